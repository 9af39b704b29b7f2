//! Reading orders, purchased items and saved cards: one row carries a whole order (its lines
//! and timeline as JSON arrays).

use super::*;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SavedCard {
    pub id: String,
    pub brand: String,
    pub last4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    /// Bank bonuses «Спасибо» left on this card (kopecks; the sandbox bank's answer).
    pub spasibo_balance: i64,
}

/// Forgets one of the customer's saved cards (another customer's is simply not found).
pub async fn forget_card(state: &AppState, customer: &str, id: &str) -> AppResult<()> {
    let n = sqlx::query("DELETE FROM saved_cards WHERE id = $1 AND customer_id = $2")
        .bind(id)
        .bind(customer)
        .execute(&state.db)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(AppError::missing("saved_card_not_found"));
    }
    Ok(())
}

pub async fn saved_cards(state: &AppState, customer: &str) -> AppResult<Vec<SavedCard>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.brand, c.last4, c.exp_month, c.exp_year, $2 - COALESCE(a.spent, 0) AS spasibo_balance \
         FROM saved_cards c LEFT JOIN spasibo_accounts a \
         ON a.customer_id = c.customer_id AND a.brand = c.brand AND a.last4 = c.last4 \
         WHERE c.customer_id = $1 ORDER BY c.created_at DESC, c.id",
    )
    .bind(customer)
    .bind(payments::SPASIBO_SANDBOX_GRANT)
    .fetch_all(&state.db)
    .await?)
}

#[derive(sqlx::FromRow)]
pub(super) struct OrderRow {
    pub(super) id: String,
    pub(super) number: String,
    pub(super) status: String,
    pub(super) placed_at: i64,
    pub(super) received_at: Option<i64>,
    pub(super) goods_total: i64,
    pub(super) delivery_cost: i64,
    pub(super) total: i64,
    pub(super) delivery_method: String,
    pub(super) pickup_point_id: Option<String>,
    pub(super) delivery_address: String,
    pub(super) payment_method: String,
    pub(super) card_brand: Option<String>,
    pub(super) card_last4: Option<String>,
    pub(super) payment_provider: Option<String>,
    pub(super) spasibo_amount: i64,
    pub(super) recipient_name: String,
    pub(super) recipient_phone: String,
    /// `[[product_id, title, seller_id, seller_name, price, quantity, line_total], …]`.
    pub(super) lines_json: String,
    /// `[[status, at], …]`, oldest first.
    pub(super) events_json: String,
}

/// An order's columns with its lines and timeline as JSON arrays, so one row carries a whole
/// order (one query for a page of orders, and one row per order through the driver).
pub(super) fn order_select(state: &AppState) -> &'static str {
    static SQLITE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static POSTGRES: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sqlite = crate::db::is_sqlite(&state.config.database_url);
    let cell = if sqlite { &SQLITE } else { &POSTGRES };
    cell.get_or_init(|| {
        let lines = crate::db::json_rows(
            sqlite,
            "l.product_id, l.title, l.seller_id, l.seller_name, l.price, l.quantity, l.line_total",
            "l.title",
            "order_lines l WHERE l.order_id = o.id",
        );
        let events = crate::db::json_rows(
            sqlite,
            "e.status, e.at",
            "e.at, e.status",
            "order_events e WHERE e.order_id = o.id",
        );
        format!(
            "SELECT o.id, o.number, o.status, o.placed_at, o.received_at, o.goods_total, o.delivery_cost, o.total, \
             o.delivery_method, o.pickup_point_id, o.delivery_address, o.payment_method, o.card_brand, o.card_last4, \
             o.payment_provider, o.spasibo_amount, o.recipient_name, o.recipient_phone, \
             {lines} AS lines_json, {events} AS events_json FROM orders o"
        )
    })
}

pub(super) type LineRow = (String, String, String, String, i64, i64, i64);

/// A stored status name as the enum (an unknown one is a bug, not user input).
pub(super) fn status_of(s: &str) -> AppResult<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| AppError::internal(format!("unknown order status {s}")))
}

pub(super) fn order_of(row: OrderRow) -> AppResult<Order> {
    let bad = |e: serde_json::Error| AppError::internal(format!("order {}: {e}", row.number));
    let lines: Vec<LineRow> = serde_json::from_str(&row.lines_json).map_err(bad)?;
    let timeline: Vec<(String, i64)> = serde_json::from_str(&row.events_json).map_err(bad)?;
    Ok(Order {
        number: row.number,
        status: status_of(&row.status)?,
        placed_at: crate::clock::rfc3339(row.placed_at),
        received_at: row.received_at.map(crate::clock::rfc3339),
        goods_total: row.goods_total,
        delivery_cost: row.delivery_cost,
        total: row.total,
        delivery: OrderDelivery {
            method: row.delivery_method,
            pickup_point_id: row.pickup_point_id,
            address: row.delivery_address,
            recipient: OrderRecipient {
                name: row.recipient_name,
                phone: row.recipient_phone,
            },
        },
        payment: OrderPayment {
            method: row.payment_method,
            card_brand: row.card_brand,
            provider: row.payment_provider,
            card_last4: row.card_last4,
            amount: row.total,
            spasibo: row.spasibo_amount,
            card_amount: row.total - row.spasibo_amount,
        },
        lines: lines
            .into_iter()
            .map(
                |(product_id, title, seller_id, seller_name, price, quantity, line_total)| {
                    OrderLine {
                        product_id,
                        title,
                        seller_id,
                        seller_name,
                        price,
                        quantity,
                        line_total,
                    }
                },
            )
            .collect(),
        timeline: timeline
            .into_iter()
            .map(|(status, at)| {
                Ok(Event {
                    status: status_of(&status)?,
                    at: crate::clock::rfc3339(at),
                })
            })
            .collect::<AppResult<_>>()?,
        payment_url: None,
    })
}

/// The order matching `filter` (a WHERE clause over `orders o` with `$1`, `$2`… for `args`).
pub(super) async fn one_order(
    state: &AppState,
    filter: &str,
    args: &[&str],
) -> AppResult<Option<OrderRow>> {
    let sql = format!("{} WHERE {filter}", order_select(state));
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for a in args {
        query = query.bind(*a);
    }
    Ok(query.fetch_optional(&state.db).await?)
}

/// One of the customer's own orders by number; another customer's is simply not found.
pub async fn by_number(
    state: &AppState,
    customer: &str,
    number: &str,
) -> AppResult<Option<(String, Order)>> {
    match one_order(
        state,
        "customer_id = $1 AND number = $2",
        &[customer, number],
    )
    .await?
    {
        Some(r) => {
            let id = r.id.clone();
            Ok(Some((id, order_of(r)?)))
        }
        None => Ok(None),
    }
}

/// A page of «Мои заказы», newest first. The cursor is `<placed ms>-<number>` of the last order
/// shown; the index on (customer, placed_at) gives the page without reading older orders.
pub async fn list(
    state: &AppState,
    customer: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Order>, Option<String>)> {
    let (before_ms, before_number) = match cursor {
        None => (i64::MAX, i64::MAX),
        Some(c) => c
            .split_once('-')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .ok_or_else(|| AppError::bad_request("invalid_cursor"))?,
    };
    let sql = format!(
        "{} WHERE customer_id = $1 AND (placed_at < $2 OR (placed_at = $2 AND CAST(number AS BIGINT) < $3)) \
         ORDER BY placed_at DESC, CAST(number AS BIGINT) DESC LIMIT $4",
        order_select(state)
    );
    let rows: Vec<OrderRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(customer)
        .bind(before_ms)
        .bind(before_number)
        .bind(limit + 1)
        .fetch_all(&state.db)
        .await?;
    let more = rows.len() as i64 > limit;
    let last = rows
        .get(limit as usize - 1)
        .map(|r| format!("{}-{}", r.placed_at, r.number));
    let out = rows
        .into_iter()
        .take(limit as usize)
        .map(order_of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((out, if more { last } else { None }))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Purchase {
    pub order_number: String,
    pub product_id: String,
    pub title: String,
    pub seller_id: String,
    pub seller_name: String,
    pub category_id: String,
    pub price: i64,
    pub quantity: i64,
    #[serde(skip)]
    pub placed_ms: i64,
    #[sqlx(skip)]
    pub placed_at: String,
}

/// Filters of «Купленные товары».
#[derive(Debug, Default, Clone)]
pub struct PurchaseFilter {
    pub q: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub category: Option<String>,
    pub seller: Option<String>,
}

/// Every item bought (not cancelled), newest first; cursor = "placed_ms:product_id:order".
pub async fn purchases(
    state: &AppState,
    customer: &str,
    f: &PurchaseFilter,
    after: Option<(i64, String)>,
    limit: i64,
) -> AppResult<(Vec<Purchase>, Option<String>)> {
    let words = crate::catalog::stem_words(f.q.as_deref(), 3)?;
    let mut w = words.into_iter();
    let mut next = || w.next().unwrap_or_else(|| "%".to_owned());
    let (w1, w2, w3) = (next(), next(), next());
    let (after_ms, after_key) = after.unwrap_or((i64::MAX, String::new()));
    let mut rows: Vec<Purchase> = sqlx::query_as(
        "SELECT o.number AS order_number, l.product_id, l.title, l.seller_id, l.seller_name, l.category_id, l.price, \
         l.quantity, o.placed_at AS placed_ms FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.customer_id = $1 AND o.status <> 'cancelled' AND o.status <> 'awaiting_payment' \
         AND l.search_text LIKE $2 ESCAPE '\\' AND l.search_text LIKE $3 ESCAPE '\\' AND l.search_text LIKE $4 ESCAPE '\\' \
         AND o.placed_at >= $5 AND o.placed_at <= $6 AND l.price >= $7 AND l.price <= $8 \
         AND ($9 = '' OR l.category_id = $9) AND ($10 = '' OR l.seller_id = $10) \
         AND (o.placed_at < $11 OR (o.placed_at = $11 AND l.product_id || ':' || o.number > $12)) \
         ORDER BY o.placed_at DESC, l.product_id || ':' || o.number LIMIT $13",
    )
    .bind(customer)
    .bind(w1)
    .bind(w2)
    .bind(w3)
    .bind(f.from.unwrap_or(0))
    .bind(f.to.unwrap_or(i64::MAX))
    .bind(f.min_price.unwrap_or(0))
    .bind(f.max_price.unwrap_or(i64::MAX))
    .bind(f.category.clone().unwrap_or_default())
    .bind(f.seller.clone().unwrap_or_default())
    .bind(after_ms)
    .bind(after_key)
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    for r in &mut rows {
        r.placed_at = crate::clock::rfc3339(r.placed_ms);
    }
    let next = if more {
        rows.last().map(|r| {
            crate::catalog::encode_cursor(&format!(
                "{}:{}:{}",
                r.placed_ms, r.product_id, r.order_number
            ))
        })
    } else {
        None
    };
    Ok((rows, next))
}
