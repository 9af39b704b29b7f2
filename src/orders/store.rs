//! The orders' SQL: writing an order, its lines and timeline, moving its status, and reading
//! orders and purchased items (one row carries a whole order, its lines and timeline as JSON
//! arrays).

use super::*;
use crate::db::autocommit;

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
    pub(super) points_amount: i64,
    pub(super) balance_amount: i64,
    pub(super) recipient_name: String,
    pub(super) recipient_phone: String,
    /// `[[product_id, title, seller_id, seller_name, price, quantity, line_total], …]`.
    pub(super) lines_json: String,
    /// `[[status, at], …]`, oldest first.
    pub(super) events_json: String,
    /// `[[id, kind, at, total, fn, fd, fp], …]`, oldest first.
    pub(super) receipts_json: String,
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
            "l.title, l.product_id",
            "order_lines l WHERE l.order_id = o.id",
        );
        let events = crate::db::json_rows(
            sqlite,
            "e.status, e.at",
            "e.at, e.status",
            "order_events e WHERE e.order_id = o.id",
        );
        // The order's 54-ФЗ receipts (a read-only look at the fiscal floor's table, kept in the
        // one row for speed like the lines).
        let receipts = crate::db::json_rows(
            sqlite,
            "r.id, r.kind, r.at, r.total, r.fiscal_fn, r.fiscal_fd, r.fiscal_fp",
            "r.at, r.kind, r.id",
            "receipts r WHERE r.order_id = o.id",
        );
        format!(
            "SELECT o.id, o.number, o.status, o.placed_at, o.received_at, o.goods_total, o.delivery_cost, o.total, \
             o.delivery_method, o.pickup_point_id, o.delivery_address, o.payment_method, o.card_brand, o.card_last4, \
             o.payment_provider, o.spasibo_amount, o.points_amount, o.balance_amount, o.recipient_name, o.recipient_phone, \
             {lines} AS lines_json, {events} AS events_json, {receipts} AS receipts_json FROM orders o"
        )
    })
}

pub(super) type LineRow = (String, String, String, String, i64, i64, i64);

/// A stored status name as the enum (an unknown one is a bug, not user input).
pub(super) fn status_of(s: &str) -> AppResult<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| AppError::internal(format!("unknown order status {s}")))
}

/// `[id, kind, at, total, fn, fd, fp]` of a receipt in an order's row.
type ReceiptRow = (
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
);

/// An order as read; `base_url` makes its links (receipts) absolute.
pub(super) fn order_of(row: OrderRow, base_url: &str) -> AppResult<Order> {
    let bad = |e: serde_json::Error| AppError::internal(format!("order {}: {e}", row.number));
    let lines: Vec<LineRow> = serde_json::from_str(&row.lines_json).map_err(bad)?;
    let timeline: Vec<(String, i64)> = serde_json::from_str(&row.events_json).map_err(bad)?;
    let receipts: Vec<ReceiptRow> = serde_json::from_str(&row.receipts_json).map_err(bad)?;
    let receipts = receipts
        .into_iter()
        .map(|(id, kind, at, total, fn_, fd, fp)| {
            Ok(OrderReceipt {
                url: format!(
                    "{}/orders/{}/receipts/{id}",
                    base_url.trim_end_matches('/'),
                    row.number
                ),
                id,
                kind: crate::fiscal::Kind::parse(&kind)
                    .ok_or_else(|| AppError::internal(format!("receipt kind {kind}")))?,
                at: crate::clock::rfc3339(at),
                total,
                fiscal: match (fn_, fd, fp) {
                    (Some(fn_), Some(fd), Some(fp)) => Some(crate::fiscal::Fiscal { fn_, fd, fp }),
                    _ => None,
                },
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
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
            points: row.points_amount,
            balance: row.balance_amount,
            card_amount: row.total - row.spasibo_amount - row.points_amount - row.balance_amount,
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
        receipts,
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
    number: &OrderNumber,
) -> AppResult<Option<(String, Order)>> {
    match one_order(
        state,
        "customer_id = $1 AND number = $2",
        &[customer, number.as_str()],
    )
    .await?
    {
        Some(r) => {
            let id = r.id.clone();
            Ok(Some((id, order_of(r, &state.base_url)?)))
        }
        None => Ok(None),
    }
}

/// Where a page of «Мои заказы» starts: (placed ms, number) of the last order shown before,
/// or the newest.
fn list_cursor(cursor: Option<&str>) -> AppResult<(i64, i64)> {
    match cursor {
        None => Ok((i64::MAX, i64::MAX)),
        Some(c) => c
            .split_once('-')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .ok_or_else(|| AppError::bad_request("invalid_cursor")),
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
    let (before_ms, before_number) = list_cursor(cursor)?;
    let sql = format!(
        "{} WHERE {ORDERS_PAGE_WHERE} ORDER BY {ORDERS_NEWEST_FIRST} LIMIT $4",
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
        .map(|r| order_of(r, &state.base_url))
        .collect::<AppResult<Vec<_>>>()?;
    Ok((out, if more { last } else { None }))
}

/// The keyset condition and order of a customer's orders, newest first ($1 customer, $2/$3
/// the cursor's placed ms and number).
const ORDERS_PAGE_WHERE: &str = "o.customer_id = $1 AND (o.placed_at < $2 OR (o.placed_at = $2 AND CAST(o.number AS BIGINT) < $3))";
const ORDERS_NEWEST_FIRST: &str = "o.placed_at DESC, CAST(o.number AS BIGINT) DESC";

/// One SQLite statement, one row: the JSON array of a page of orders exactly as `GET /orders`
/// answers it (what [`order_of`] and serde make of [`order_select`]'s rows, times as ms for
/// [`crate::db::rfc3339_times`]), how many orders the page query found (limit + 1: there is a
/// next page) and the cursor key of the last one shown. $1 customer, $2/$3 cursor, $4 limit,
/// $5 the base URL of receipt links.
fn sqlite_order_page() -> &'static str {
    use crate::db::Json::{Object, ObjectIf, Raw, Value};
    use crate::db::SqliteJson as J;
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let lines = J::array(
            &J::object(vec![
                ("product_id", Value("l.product_id")),
                ("title", Value("l.title")),
                ("seller_id", Value("l.seller_id")),
                ("seller_name", Value("l.seller_name")),
                ("price", Value("l.price")),
                ("quantity", Value("l.quantity")),
                ("line_total", Value("l.line_total")),
            ]),
            "l.title, l.product_id",
            "order_lines l WHERE l.order_id = o.id",
        );
        let timeline = J::array(
            &J::object(vec![("status", Value("e.status")), ("at", Value("e.at"))]),
            "e.at, e.status",
            "order_events e WHERE e.order_id = o.id",
        );
        let receipts = J::array(
            &J::object(vec![
                ("kind", Value("r.kind")),
                ("at", Value("r.at")),
                ("total", Value("r.total")),
                (
                    "fiscal",
                    ObjectIf(
                        "r.fiscal_fn IS NOT NULL AND r.fiscal_fd IS NOT NULL AND r.fiscal_fp IS NOT NULL",
                        vec![
                            ("fn", Value("r.fiscal_fn")),
                            ("fd", Value("r.fiscal_fd")),
                            ("fp", Value("r.fiscal_fp")),
                        ],
                    ),
                ),
                (
                    "url",
                    Value("$5 || '/orders/' || o.number || '/receipts/' || r.id"),
                ),
            ]),
            "r.at, r.kind, r.id",
            "receipts r WHERE r.order_id = o.id",
        );
        let order = J::object(vec![
            ("number", Value("o.number")),
            ("status", Value("o.status")),
            ("placed_at", Value("o.placed_at")),
            ("received_at", Value("o.received_at")),
            ("goods_total", Value("o.goods_total")),
            ("delivery_cost", Value("o.delivery_cost")),
            ("total", Value("o.total")),
            (
                "delivery",
                Object(vec![
                    ("method", Value("o.delivery_method")),
                    ("pickup_point_id", Value("o.pickup_point_id")),
                    ("address", Value("o.delivery_address")),
                    (
                        "recipient",
                        Object(vec![
                            ("name", Value("o.recipient_name")),
                            ("phone", Value("o.recipient_phone")),
                        ]),
                    ),
                ]),
            ),
            (
                "payment",
                Object(vec![
                    ("method", Value("o.payment_method")),
                    ("card_brand", Value("o.card_brand")),
                    ("provider", Value("o.payment_provider")),
                    ("card_last4", Value("o.card_last4")),
                    ("amount", Value("o.total")),
                    ("spasibo", Value("o.spasibo_amount")),
                    ("points", Value("o.points_amount")),
                    ("balance", Value("o.balance_amount")),
                    (
                        "card_amount",
                        Value("(o.total - o.spasibo_amount - o.points_amount - o.balance_amount)"),
                    ),
                ]),
            ),
            ("lines", Raw(lines)),
            ("timeline", Raw(timeline)),
            ("receipts", Raw(receipts)),
        ]);
        // `shown`: the page's orders from the (customer_id, placed_at) index; `found` counts
        // up to limit + 1 of them (one more: there is a next page).
        let items = J::array(
            &order,
            ORDERS_NEWEST_FIRST,
            "shown s JOIN orders o ON o.id = s.id",
        );
        format!(
            "WITH shown AS MATERIALIZED (SELECT o.id, o.placed_at, o.number FROM orders o \
             WHERE {ORDERS_PAGE_WHERE} ORDER BY {ORDERS_NEWEST_FIRST} LIMIT $4) \
             SELECT {items} AS items, \
             (SELECT COUNT(*) FROM (SELECT 1 FROM orders o WHERE {ORDERS_PAGE_WHERE} LIMIT $4 + 1) f) AS found, \
             (SELECT concat(CAST(o.placed_at AS TEXT), '-', o.number) FROM shown o \
             ORDER BY o.placed_at, CAST(o.number AS BIGINT) LIMIT 1) AS last_key"
        )
    })
}

/// `{"items":…,"next_cursor":…}` as serde writes a page type with those two fields.
fn page_body(items: &str, next_cursor: Option<&str>) -> AppResult<String> {
    let next = serde_json::to_string(&next_cursor)
        .map_err(|e| AppError::internal(format!("cursor: {e}")))?;
    Ok(format!("{{\"items\":{items},\"next_cursor\":{next}}}"))
}

/// The body of `GET /orders` for a page of «Мои заказы» (`{"items":[…],"next_cursor":…}`),
/// byte for byte what serialising [`list`]'s answer gives. On a SQLite file the database writes
/// it in one statement and one row ([`crate::db::SqliteJson`]), read on this thread by one of
/// the application's readers ([`crate::db::readers`]; sqlx's hand-off to its worker thread and
/// back was a fifth of the request); on PostgreSQL it is [`list`] serialised. The HTML pages
/// use [`list`].
pub async fn list_json(
    state: &AppState,
    customer: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<String> {
    let Some(readers) = state.readers.as_deref() else {
        let (items, next) = list(state, customer, cursor, limit).await?;
        let items = serde_json::to_string(&items)
            .map_err(|e| AppError::internal(format!("orders: {e}")))?;
        return page_body(&items, next.as_deref());
    };
    let (before_ms, before_number) = list_cursor(cursor)?;
    let base = state.base_url.trim_end_matches('/');
    let (items, found, last) = readers
        .read(|c| {
            c.prepare_cached(sqlite_order_page())?.query_row(
                rusqlite::params![customer, before_ms, before_number, limit, base],
                json_page_row,
            )
        })
        .map_err(|e| AppError::internal(format!("orders page: {e}")))?;
    let items = crate::db::rfc3339_times(&items, &["placed_at", "received_at", "at"]);
    page_body(&items, last.as_deref().filter(|_| found > limit))
}

/// The row of [`sqlite_order_page`] and [`sqlite_purchases_page`]: the items' JSON, how many
/// the page query found and the last one's cursor key.
fn json_page_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, i64, Option<String>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
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

/// Purchased lines matching a filter, newest first: `FROM … WHERE …` over `order_lines l` and
/// `orders o` with $1 customer, $2–$4 stems (`%` for none), $5/$6 dates, $7/$8 prices,
/// $9 category, $10 seller, $11/$12 the cursor (placed ms, `product_id:number`).
const PURCHASES_FROM_WHERE: &str = "FROM order_lines l JOIN orders o ON o.id = l.order_id \
     WHERE o.customer_id = $1 AND o.status <> 'cancelled' AND o.status <> 'awaiting_payment' \
     AND l.search_text LIKE $2 ESCAPE '\\' AND l.search_text LIKE $3 ESCAPE '\\' AND l.search_text LIKE $4 ESCAPE '\\' \
     AND o.placed_at >= $5 AND o.placed_at <= $6 AND l.price >= $7 AND l.price <= $8 \
     AND ($9 = '' OR l.category_id = $9) AND ($10 = '' OR l.seller_id = $10) \
     AND (o.placed_at < $11 OR (o.placed_at = $11 AND l.product_id || ':' || o.number > $12))";

/// The parameters of [`PURCHASES_FROM_WHERE`] for a filter and cursor, and $13 the limit.
struct PurchaseParams {
    customer: String,
    words: [String; 3],
    from: i64,
    to: i64,
    min_price: i64,
    max_price: i64,
    category: String,
    seller: String,
    after_ms: i64,
    after_key: String,
    limit: i64,
}

impl PurchaseParams {
    fn new(
        customer: &str,
        f: &PurchaseFilter,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> AppResult<Self> {
        let words = crate::catalog::stem_words(f.q.as_deref(), 3)?;
        let mut w = words.into_iter();
        let mut next = || w.next().unwrap_or_else(|| "%".to_owned());
        let words = [next(), next(), next()];
        let (after_ms, after_key) = after.unwrap_or((i64::MAX, String::new()));
        Ok(Self {
            customer: customer.to_owned(),
            words,
            from: f.from.unwrap_or(0),
            to: f.to.unwrap_or(i64::MAX),
            min_price: f.min_price.unwrap_or(0),
            max_price: f.max_price.unwrap_or(i64::MAX),
            category: f.category.clone().unwrap_or_default(),
            seller: f.seller.clone().unwrap_or_default(),
            after_ms,
            after_key,
            limit,
        })
    }

    /// The query of [`purchases`] (`sql`) with the parameters bound.
    fn bind<O>(
        self,
        sql: &'static str,
    ) -> sqlx::query::QueryAs<'static, sqlx::Any, O, sqlx::any::AnyArguments>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let [w1, w2, w3] = self.words;
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(self.customer)
            .bind(w1)
            .bind(w2)
            .bind(w3)
            .bind(self.from)
            .bind(self.to)
            .bind(self.min_price)
            .bind(self.max_price)
            .bind(self.category)
            .bind(self.seller)
            .bind(self.after_ms)
            .bind(self.after_key)
            .bind(self.limit)
    }

    /// The same for rusqlite (SQLite numbers `$n` in order of first use, which is 1 to 13).
    fn values(&self) -> [&dyn rusqlite::ToSql; 13] {
        [
            &self.customer,
            &self.words[0],
            &self.words[1],
            &self.words[2],
            &self.from,
            &self.to,
            &self.min_price,
            &self.max_price,
            &self.category,
            &self.seller,
            &self.after_ms,
            &self.after_key,
            &self.limit,
        ]
    }
}

/// Every item bought (not cancelled), newest first; cursor = "placed_ms:product_id:order".
pub async fn purchases(
    state: &AppState,
    customer: &str,
    f: &PurchaseFilter,
    after: Option<(i64, String)>,
    limit: i64,
) -> AppResult<(Vec<Purchase>, Option<String>)> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "SELECT o.number AS order_number, l.product_id, l.title, l.seller_id, l.seller_name, l.category_id, \
             l.price, l.quantity, o.placed_at AS placed_ms {PURCHASES_FROM_WHERE} \
             ORDER BY o.placed_at DESC, l.product_id || ':' || o.number LIMIT $13"
        )
    });
    let mut rows: Vec<Purchase> = PurchaseParams::new(customer, f, after, limit + 1)?
        .bind(sql)
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

/// One SQLite statement, one row: a page of [`purchases`] as the JSON array `GET /purchases`
/// answers (what serde makes of [`Purchase`], times as ms for [`crate::db::rfc3339_times`]),
/// how many lines the page query found (limit + 1: there is a next page) and the cursor key of
/// the last one shown. $13 is the limit.
fn sqlite_purchases_page() -> &'static str {
    use crate::db::Json::Value;
    use crate::db::SqliteJson as J;
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let item = J::object(vec![
            ("order_number", Value("h.order_number")),
            ("product_id", Value("h.product_id")),
            ("title", Value("h.title")),
            ("seller_id", Value("h.seller_id")),
            ("seller_name", Value("h.seller_name")),
            ("category_id", Value("h.category_id")),
            ("price", Value("h.price")),
            ("quantity", Value("h.quantity")),
            ("placed_at", Value("h.placed_ms")),
        ]);
        format!(
            "WITH hits AS MATERIALIZED (SELECT o.number AS order_number, l.product_id, l.title, l.seller_id, \
             l.seller_name, l.category_id, l.price, l.quantity, o.placed_at AS placed_ms, \
             l.product_id || ':' || o.number AS k {PURCHASES_FROM_WHERE} \
             ORDER BY o.placed_at DESC, l.product_id || ':' || o.number LIMIT $13 + 1), \
             shown AS MATERIALIZED (SELECT * FROM hits h ORDER BY h.placed_ms DESC, h.k LIMIT $13) \
             SELECT {items} AS items, (SELECT COUNT(*) FROM hits) AS found, \
             (SELECT concat(CAST(h.placed_ms AS TEXT), ':', h.k) FROM shown h ORDER BY h.placed_ms, h.k DESC LIMIT 1) \
             AS last_key",
            items = J::array(&item, "h.placed_ms DESC, h.k", "shown h"),
        )
    })
}

/// The body of `GET /purchases` (`{"items":[…],"next_cursor":…}`), byte for byte what
/// serialising [`purchases`]' answer gives: written by SQLite in one row, or [`purchases`]
/// serialised on PostgreSQL (the same split as [`list_json`]). The HTML pages use [`purchases`].
pub async fn purchases_json(
    state: &AppState,
    customer: &str,
    f: &PurchaseFilter,
    after: Option<(i64, String)>,
    limit: i64,
) -> AppResult<String> {
    let Some(readers) = state.readers.as_deref() else {
        let (items, next) = purchases(state, customer, f, after, limit).await?;
        let items = serde_json::to_string(&items)
            .map_err(|e| AppError::internal(format!("purchases: {e}")))?;
        return page_body(&items, next.as_deref());
    };
    let params = PurchaseParams::new(customer, f, after, limit)?;
    let (items, found, last) = readers
        .read(|c| {
            c.prepare_cached(sqlite_purchases_page())?
                .query_row(params.values().as_slice(), json_page_row)
        })
        .map_err(|e| AppError::internal(format!("purchases page: {e}")))?;
    let items = crate::db::rfc3339_times(&items, &["placed_at"]);
    let next = last
        .filter(|_| found > limit)
        .map(|key| crate::catalog::encode_cursor(&key));
    page_body(&items, next.as_deref())
}

// ---- Writing ----

/// The next order number (a counter row, so numbers are short and never repeat).
pub(super) async fn next_number(tx: &mut crate::db::Conn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE counters SET value = value + 1 WHERE name = 'order_number' RETURNING value",
    )
    .fetch_one(&mut *tx)
    .await
}

pub(super) async fn insert_order(
    tx: &mut crate::db::Conn,
    o: &NewOrder,
    number: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO orders (id, number, customer_id, idempotency_key, status, placed_at, goods_total, delivery_cost, \
         total, delivery_method, pickup_point_id, delivery_address, payment_method, card_brand, card_last4, pay_deadline, \
         payment_provider, spasibo_amount, recipient_name, recipient_phone, points_amount, balance_amount) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
    )
    .bind(&o.id)
    .bind(number.to_string())
    .bind(&o.customer)
    .bind(&o.key)
    .bind(OrderStatus::AwaitingPayment.as_str())
    .bind(o.now)
    .bind(o.goods)
    .bind(o.delivery_price)
    .bind(o.goods + o.delivery_price)
    .bind(&o.method)
    .bind(&o.point_id)
    .bind(&o.address)
    .bind(&o.payment_method)
    .bind(&o.brand)
    .bind(&o.last4)
    .bind(o.now + PAY_WITHIN_MS)
    .bind(&o.provider)
    .bind(o.spasibo)
    .bind(&o.recipient.0)
    .bind(&o.recipient.1)
    .bind(o.points_paid)
    .bind(o.balance_paid)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub(super) async fn insert_line(
    tx: &mut crate::db::Conn,
    order_id: &str,
    l: &cart::Line,
    seller_id: &str,
    category_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_lines (order_id, product_id, title, seller_id, seller_name, category_id, price, quantity, \
         line_total, search_text, search_v) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(order_id)
    .bind(&l.product_id)
    .bind(&l.title)
    .bind(seller_id)
    .bind(&l.seller_name)
    .bind(category_id)
    .bind(l.price)
    .bind(l.quantity)
    .bind(l.line_total)
    .bind(crate::catalog::search_text(&format!("{} {}", l.title, l.seller_name)))
    .bind(crate::catalog::SEARCH_VERSION)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub(super) async fn insert_event(
    tx: &mut crate::db::Conn,
    order_id: &str,
    status: OrderStatus,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO order_events (order_id, status, at) VALUES ($1, $2, $3)")
        .bind(order_id)
        .bind(status.as_str())
        .bind(at)
        .execute(tx)
        .await?;
    Ok(())
}

/// Moves an order from `from` to `to` (one conditional statement; `received` stamps the day
/// it was received). True when it moved.
pub(super) async fn set_status(
    tx: &mut crate::db::Conn,
    order_id: &str,
    from: OrderStatus,
    to: OrderStatus,
    received: Option<i64>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE orders SET status = $1, received_at = COALESCE($2, received_at) WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(received)
    .bind(order_id)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

pub(super) async fn set_cancel_reason(
    db: &crate::db::Db,
    order_id: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET cancel_reason = $1 WHERE id = $2 AND status = $3")
        .bind(reason)
        .bind(order_id)
        .bind(OrderStatus::Cancelled.as_str())
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Removes an order that never happened, with its lines and timeline.
pub(super) async fn delete_order(tx: &mut crate::db::Conn, id: &str) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM order_events WHERE order_id = $1",
        "DELETE FROM order_lines WHERE order_id = $1",
        "DELETE FROM orders WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

// ---- Reading for the rules ----

pub(super) async fn customer_of(
    tx: &mut crate::db::Conn,
    id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT customer_id FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
}

/// An order's (product, quantity) lines in product-id order.
pub(super) async fn line_quantities(
    tx: &mut crate::db::Conn,
    id: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT product_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await
}

pub(super) async fn number_of(db: &crate::db::Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT number FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Orders waiting for payment past their deadline.
pub(super) async fn overdue(db: &crate::db::Db, now: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM orders WHERE status = $1 AND pay_deadline < $2")
        .bind(OrderStatus::AwaitingPayment.as_str())
        .bind(now)
        .fetch_all(db)
        .await
}

/// Orders on their way whose last step is no newer than `before`: (id, status, method).
pub(super) async fn in_progress_since(
    db: &crate::db::Db,
    before: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.status, o.delivery_method FROM orders o \
         WHERE o.status IN ('paid', 'assembling', 'shipped', 'ready_for_pickup') \
         AND (SELECT MAX(e.at) FROM order_events e WHERE e.order_id = o.id) <= $1",
    )
    .bind(before)
    .fetch_all(db)
    .await
}

/// The recipient (name, phone) of the customer's newest order that named one.
pub(super) async fn newest_recipient(
    db: &crate::db::Db,
    customer: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT recipient_name, recipient_phone FROM orders WHERE customer_id = $1 AND recipient_name <> '' \
         ORDER BY placed_at DESC LIMIT 1",
    )
    .bind(customer)
    .fetch_optional(db)
    .await
}

// ---- Search text of purchased lines ----

/// Up to a thousand purchased lines whose search text is older than `version`.
pub(super) async fn lines_to_index(
    db: &crate::db::Db,
    version: i64,
) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT order_id, product_id, title, seller_name FROM order_lines \
         WHERE search_v < $1 LIMIT 1000",
    )
    .bind(version)
    .fetch_all(db)
    .await
}

/// Stores a purchased line's search text, made at `version`.
pub(super) async fn set_line_search_text(
    tx: &mut crate::db::Conn,
    order_id: &str,
    product_id: &str,
    text: &str,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE order_lines SET search_text = $1, search_v = $2 WHERE order_id = $3 AND product_id = $4",
    )
    .bind(text)
    .bind(version)
    .bind(order_id)
    .bind(product_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Whose an order is, its number and its goods total.
pub(super) async fn goods_of(
    tx: &mut crate::db::Conn,
    id: &str,
) -> Result<Option<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT customer_id, number, goods_total FROM orders WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
}

/// What a receipt lists for an order: its lines (title, seller, price, quantity) and the
/// delivery price.
pub(super) async fn receipt_lines(
    tx: &mut crate::db::Conn,
    id: &str,
) -> Result<(Vec<(String, String, i64, i64)>, i64), sqlx::Error> {
    let lines = sqlx::query_as(
        "SELECT title, seller_name, price, quantity FROM order_lines WHERE order_id = $1 ORDER BY title, product_id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let delivery: i64 = sqlx::query_scalar("SELECT delivery_cost FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    Ok((lines, delivery))
}

// ---- Staff: moving and finding any customer's order ----

/// What a staff move needs to know about an order.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct MoveFacts {
    pub(super) id: String,
    pub(super) number: String,
    pub(super) status: String,
    pub(super) delivery_method: String,
    pub(super) customer_id: String,
}

const MOVE_FACTS: &str = "SELECT id, number, status, delivery_method, customer_id FROM orders";

pub(super) async fn move_facts(
    db: &crate::db::Db,
    number: &OrderNumber,
) -> Result<Option<MoveFacts>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MOVE_FACTS} WHERE number = $1"
    )))
    .bind(number.as_str())
    .fetch_optional(db)
    .await
}

pub(super) async fn move_facts_by_id(
    db: &crate::db::Db,
    id: &str,
) -> Result<Option<MoveFacts>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{MOVE_FACTS} WHERE id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Any customer's order by number, for staff: (customer id, the order).
pub async fn any_by_number(
    state: &AppState,
    number: &OrderNumber,
) -> AppResult<Option<(String, Order)>> {
    let Some(facts) = move_facts(&state.db, number).await? else {
        return Ok(None);
    };
    match one_order(state, "o.id = $1", &[facts.id.as_str()]).await? {
        Some(r) => Ok(Some((facts.customer_id, order_of(r, &state.base_url)?))),
        None => Ok(None),
    }
}

/// What staff look for: an order number, a customer (found by phone or email), or — with
/// neither and `everything` — every order; optionally in one status.
#[derive(Debug, Clone, Default)]
pub struct OrderSearch {
    pub number: Option<OrderNumber>,
    pub customer_id: Option<String>,
    pub everything: bool,
    pub status: Option<OrderStatus>,
}

/// An order in the staff's search results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    pub number: String,
    pub status: OrderStatus,
    pub placed_at: String,
    /// Kopecks.
    pub total: i64,
    pub customer_id: String,
    /// «Фамилия Имя Отчество» as the customer gave it (empty when they did not).
    pub customer_name: String,
    /// `courier`, `pickup_point` or `parcel_locker`.
    pub delivery_method: String,
    #[serde(skip)]
    pub placed_ms: i64,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    number: String,
    status: String,
    placed_at: i64,
    total: i64,
    customer_id: String,
    delivery_method: String,
    last_name: String,
    first_name: String,
    patronymic: String,
}

/// A page of orders matching `f`, newest first; the cursor is `<placed ms>:<order id>` of the
/// last one shown (indexes: the number, (customer, placed_at), (placed_at, id),
/// (status, placed_at, id)). The customer's name comes by a read-only join.
pub async fn search(
    db: &crate::db::Db,
    f: &OrderSearch,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<OrderSummary>, Option<String>)> {
    let (before_ms, before_id) = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT o.id, o.number, o.status, o.placed_at, o.total, o.customer_id, o.delivery_method, \
         c.last_name, c.first_name, c.patronymic FROM orders o JOIN customers c ON c.id = o.customer_id \
         WHERE ($1 = 1 OR o.number = $2 OR o.customer_id = $3) AND ($4 = '' OR o.status = $4) \
         AND (o.placed_at < $5 OR (o.placed_at = $5 AND o.id < $6)) \
         ORDER BY o.placed_at DESC, o.id DESC LIMIT $7",
    )
    .bind(i64::from(f.everything))
    .bind(f.number.as_ref().map(|n| n.as_str()).unwrap_or(""))
    .bind(f.customer_id.as_deref().unwrap_or(""))
    .bind(f.status.map(|s| s.as_str()).unwrap_or(""))
    .bind(before_ms)
    .bind(before_id)
    .bind(limit + 1)
    .fetch_all(db)
    .await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.placed_at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| {
            Ok(OrderSummary {
                customer_name: [&r.last_name, &r.first_name, &r.patronymic]
                    .into_iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                number: r.number,
                status: status_of(&r.status)?,
                placed_at: crate::clock::rfc3339(r.placed_at),
                placed_ms: r.placed_at,
                total: r.total,
                customer_id: r.customer_id,
                delivery_method: r.delivery_method,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, next))
}

/// The delivery addresses and card last 4 digits of the customer's orders, each pair once (the
/// staff console checks a recovery case's evidence against them, without showing them).
pub async fn addresses_and_cards(
    state: &AppState,
    customer: &str,
) -> AppResult<Vec<(String, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT delivery_address, card_last4 FROM orders WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_all(&state.db)
    .await?)
}

/// The title of `product` as the customer bought it, if they received it in one of their
/// orders (what a review needs: bought AND received).
pub async fn received_product(
    db: &crate::db::Db,
    customer: &str,
    product: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT l.title FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.customer_id = $1 AND l.product_id = $2 AND o.status = 'received' \
         ORDER BY o.received_at DESC LIMIT 1",
    )
    .bind(customer)
    .bind(product)
    .fetch_optional(db)
    .await
}

/// The customer's orders for a choice list (number, placed at), newest first, at most `limit`.
pub async fn numbers_of(
    db: &crate::db::Db,
    customer: &str,
    limit: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT number, placed_at FROM orders WHERE customer_id = $1 \
         ORDER BY placed_at DESC, number DESC LIMIT $2",
    )
    .bind(customer)
    .bind(limit)
    .fetch_all(db)
    .await
}
