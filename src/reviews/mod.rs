//! «Мои отзывы» (PRODUCT W5, issue 13): customers review products they received; moderators
//! publish or reject them (with a reason the author sees); product pages show published ones
//! and the average.
//!
//! Rules: only a product the customer bought AND received (`orders::received_product`), else
//! `not_purchased`; rating 1–5; text 10–4000 characters, pros and cons at most 1000 each; text
//! with markup (`<tag`, `</`, `<!`) is refused — the pages escape everything anyway. One review
//! per customer and product: a second `POST` answers 409 `review_exists` (with its id), and the
//! review is edited with `PUT /me/reviews/{id}` while it is pending or rejected (an edit sends it
//! back to moderation); a published review is final (`review_published`). Every change of status
//! is one conditional statement, so a hundred simultaneous publishes make one change.

pub mod api;
pub mod pages;
pub mod store;

use crate::db::{looks_like_id, new_id};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::Serialize;

pub const TEXT_MIN: usize = 10;
pub const TEXT_MAX: usize = 4000;
pub const PART_MAX: usize = 1000;
pub const REASON_MAX: usize = 500;

/// Where a review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Pending,
    Published,
    Rejected,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 3] = [Self::Pending, Self::Published, Self::Rejected];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }
}

/// A review as its author and moderators see it.
#[derive(Debug, Clone)]
pub struct Review {
    pub id: String,
    pub customer_id: String,
    pub product_id: String,
    pub product_title: String,
    pub rating: i64,
    pub text: String,
    pub pros: String,
    pub cons: String,
    pub status: ReviewStatus,
    pub reject_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub decided_at: Option<i64>,
    /// «Анна С.» or «Покупатель» (empty: the page says «Покупатель»).
    pub author: String,
}

impl Review {
    fn of(r: store::ReviewRow) -> AppResult<Self> {
        let status = ReviewStatus::parse(&r.status)
            .ok_or_else(|| AppError::internal(format!("unknown review status {}", r.status)))?;
        Ok(Review {
            author: author_name(
                &r.first_name.unwrap_or_default(),
                &r.last_name.unwrap_or_default(),
            ),
            id: r.id,
            customer_id: r.customer_id,
            product_id: r.product_id,
            product_title: r.product_title,
            rating: r.rating,
            text: r.text,
            pros: r.pros,
            cons: r.cons,
            status,
            reject_reason: r.reject_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
            decided_at: r.decided_at,
        })
    }
}

/// How a published review names its author: the first name and the surname's initial
/// («Анна С.»), the first name alone, or nothing (shown as «Покупатель»). Never a contact.
pub fn author_name(first: &str, last: &str) -> String {
    let first = first.trim();
    if first.is_empty() {
        return String::new();
    }
    match last.trim().chars().next() {
        Some(c) if c.is_alphabetic() => format!("{first} {}.", c.to_uppercase()),
        _ => first.to_owned(),
    }
}

/// What the customer typed.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub rating: i64,
    pub text: String,
    pub pros: String,
    pub cons: String,
}

/// True when the text looks like markup: `<` followed by a letter, `/`, `!` or `?`.
pub fn has_markup(s: &str) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            return true;
        }
    }
    false
}

/// Trims, drops control characters other than line breaks and tabs, and unifies line breaks.
fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Checks a draft: the rating, the lengths, no markup. Returns it cleaned.
pub fn check(d: &Draft) -> AppResult<Draft> {
    if !(1..=5).contains(&d.rating) {
        return Err(AppError::bad_request("invalid_rating"));
    }
    let text = clean(&d.text);
    let pros = clean(&d.pros);
    let cons = clean(&d.cons);
    let n = text.chars().count();
    if n < TEXT_MIN {
        return Err(AppError::bad_request("review_text_too_short").arg("min", TEXT_MIN.to_string()));
    }
    if n > TEXT_MAX {
        return Err(AppError::bad_request("review_text_too_long").arg("max", TEXT_MAX.to_string()));
    }
    if pros.chars().count() > PART_MAX || cons.chars().count() > PART_MAX {
        return Err(AppError::bad_request("review_part_too_long").arg("max", PART_MAX.to_string()));
    }
    if [&text, &pros, &cons].iter().any(|s| has_markup(s)) {
        return Err(AppError::bad_request("markup_not_allowed"));
    }
    Ok(Draft {
        rating: d.rating,
        text,
        pros,
        cons,
    })
}

fn not_found() -> AppError {
    AppError::missing("review_not_found")
}

/// Writes a new review of a received product (pending). A product not received by this
/// customer → 403 `not_purchased`; a second review of the same product → 409 `review_exists`
/// (detail `review_id`).
pub async fn create(
    state: &AppState,
    customer: &str,
    product_id: &str,
    d: &Draft,
) -> AppResult<Review> {
    let d = check(d)?;
    let product_id = product_id.trim();
    let Some(title) = crate::orders::received_product(&state.db, customer, product_id).await?
    else {
        return Err(AppError::forbidden("not_purchased"));
    };
    let now = state.clock.now_ms();
    let id = new_id();
    let row = store::NewReview {
        id: &id,
        customer_id: customer,
        product_id,
        product_title: &title,
        rating: d.rating,
        text: &d.text,
        pros: &d.pros,
        cons: &d.cons,
        at: now,
    };
    if !store::insert(&state.db, &row).await? {
        let existing = store::of_customer_product(&state.db, customer, product_id).await?;
        let mut e = AppError::conflict("review_exists");
        if let Some(r) = existing {
            e = e.detail("review_id", r.id);
        }
        return Err(e);
    }
    mine_one(state, customer, &id).await
}

/// Edits one of the customer's reviews while it is pending or rejected; it goes back to
/// moderation. Another customer's → `review_not_found`; a published one → `review_published`.
pub async fn edit(state: &AppState, customer: &str, id: &str, d: &Draft) -> AppResult<Review> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let d = check(d)?;
    let now = state.clock.now_ms();
    if !store::edit(&state.db, customer, id, &d, now).await? {
        let r = store::mine(&state.db, customer, id)
            .await?
            .ok_or_else(not_found)?;
        return Err(if r.status == "published" {
            AppError::conflict("review_published")
        } else {
            not_found()
        });
    }
    mine_one(state, customer, id).await
}

/// One of the customer's own reviews; another customer's is not found.
pub async fn mine_one(state: &AppState, customer: &str, id: &str) -> AppResult<Review> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    Review::of(
        store::mine(&state.db, customer, id)
            .await?
            .ok_or_else(not_found)?,
    )
}

/// The customer's review of a product, if any.
pub async fn mine_of_product(
    state: &AppState,
    customer: &str,
    product: &str,
) -> AppResult<Option<Review>> {
    store::of_customer_product(&state.db, customer, product)
        .await?
        .map(Review::of)
        .transpose()
}

/// All the customer's reviews, newest first: pending, published and rejected alike.
pub async fn mine(
    state: &AppState,
    customer: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Review>, Option<String>)> {
    let start = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let rows = store::all_mine(&state.db, customer, start, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.created_at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(Review::of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, next))
}

/// A product's published reviews: the average and count of all, and a page, newest first.
#[derive(Debug, Clone)]
pub struct Published {
    pub average: Option<f64>,
    pub count: i64,
    pub items: Vec<Review>,
    pub next_cursor: Option<String>,
}

pub async fn published(
    state: &AppState,
    product: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<Published> {
    let start = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let (count, sum) = store::rating_of(&state.db, product).await?;
    let rows = store::published(&state.db, product, start, limit + 1).await?;
    let next_cursor =
        crate::db::ledger_next_cursor(&rows, limit, |r| (r.decided_at.unwrap_or(0), r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(Review::of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Published {
        average: (count > 0).then(|| (sum as f64 / count as f64 * 10.0).round() / 10.0),
        count,
        items,
        next_cursor,
    })
}

/// The moderators' queue: reviews in `status`, the longest waiting first (`updated_at`, id).
/// The cursor is `<updated ms>:<id>` of the last one shown.
pub async fn queue(
    state: &AppState,
    status: ReviewStatus,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Review>, Option<String>)> {
    let after = match cursor {
        None => (i64::MIN, String::new()),
        Some(c) => c
            .split_once(':')
            .and_then(|(a, id)| Some((a.parse::<i64>().ok()?, id.to_owned())))
            .filter(|(_, id)| looks_like_id(id))
            .ok_or_else(|| AppError::bad_request("invalid_cursor"))?,
    };
    let rows = store::queue(&state.db, status.as_str(), after.0, &after.1, limit + 1).await?;
    let next = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1))
        .flatten()
        .map(|r| format!("{}:{}", r.updated_at, r.id));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(Review::of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, next))
}

/// Any review by id (for moderators).
pub async fn any(state: &AppState, id: &str) -> AppResult<Review> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    Review::of(store::by_id(&state.db, id).await?.ok_or_else(not_found)?)
}

/// A moderator's decision.
#[derive(Debug, Clone)]
pub enum Decision {
    Publish,
    Reject { reason: String },
}

/// Checks a rejection's reason: 3–500 characters, no markup.
pub fn check_reason(reason: &str) -> AppResult<String> {
    let r = clean(reason);
    let n = r.chars().count();
    if n < 3 {
        return Err(AppError::bad_request("reject_reason_required"));
    }
    if n > REASON_MAX {
        return Err(AppError::bad_request("reason_too_long"));
    }
    if has_markup(&r) {
        return Err(AppError::bad_request("markup_not_allowed"));
    }
    Ok(r)
}

/// Publishes or rejects a pending review, once (one conditional update). Unknown →
/// `review_not_found`; already decided → 409 `review_decided`. A rejection tells the author.
/// `seen`: the version (`updated_at`, ms) the moderator read; when given and the author edited
/// the review since, 409 `review_changed` and nothing is decided.
pub async fn decide(
    state: &AppState,
    id: &str,
    decision: &Decision,
    seen: Option<i64>,
) -> AppResult<Review> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let (status, reason) = match decision {
        Decision::Publish => (ReviewStatus::Published, None),
        Decision::Reject { reason } => (ReviewStatus::Rejected, Some(check_reason(reason)?)),
    };
    let now = state.clock.now_ms();
    if !store::decide(&state.db, id, status.as_str(), reason.as_deref(), now, seen).await? {
        let row = store::by_id(&state.db, id).await?.ok_or_else(not_found)?;
        let r = Review::of(row)?;
        return Err(AppError::conflict(if r.status == ReviewStatus::Pending {
            "review_changed"
        } else {
            "review_decided"
        }));
    }
    let r = any(state, id).await?;
    if status == ReviewStatus::Rejected {
        let title = r.product_title.clone();
        let link = format!("{}/account/reviews", state.base_url);
        // The decision stands even if the notice cannot be queued.
        if let Err(e) = crate::customers::notices::announce(
            state,
            &r.customer_id,
            crate::customers::notices::Topic::Orders,
            "review-rejected",
            |_| vec![("title", title.chars().take(60).collect())],
            Some(link),
        )
        .await
        {
            tracing::warn!(error = %e, "the review rejection notice was not queued");
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(rating: i64, text: &str) -> Draft {
        Draft {
            rating,
            text: text.into(),
            ..Draft::default()
        }
    }

    #[test]
    fn ratings_and_lengths_are_checked() {
        assert!(check(&draft(5, "Отличный чайник, рекомендую")).is_ok());
        for r in [0, 6, -1] {
            assert_eq!(
                check(&draft(r, "Отличный чайник")).unwrap_err().code,
                "invalid_rating"
            );
        }
        assert_eq!(
            check(&draft(3, "  коротко  ")).unwrap_err().code,
            "review_text_too_short"
        );
        assert_eq!(
            check(&draft(3, &"я".repeat(4001))).unwrap_err().code,
            "review_text_too_long"
        );
        assert!(check(&draft(3, &"я".repeat(4000))).is_ok());
        let mut d = draft(4, "Хороший товар за свои деньги");
        d.pros = "x".repeat(1001);
        assert_eq!(check(&d).unwrap_err().code, "review_part_too_long");
    }

    #[test]
    fn markup_is_refused_but_comparisons_pass() {
        assert!(has_markup("<script>alert(1)</script>"));
        assert!(has_markup("text </b>"));
        assert!(has_markup("<!-- x -->"));
        assert!(!has_markup("цена < 1000 ₽ и 3<5"));
        assert!(!has_markup("<3 люблю"));
        assert_eq!(
            check(&draft(5, "Хорошо <b>очень</b> хорошо"))
                .unwrap_err()
                .code,
            "markup_not_allowed"
        );
        assert_eq!(
            check(&draft(5, "Дешевле < 1000 ₽, отлично")).unwrap().text,
            "Дешевле < 1000 ₽, отлично"
        );
    }

    #[test]
    fn authors_are_first_name_and_initial() {
        assert_eq!(author_name("Анна", "смирнова"), "Анна С.");
        assert_eq!(author_name("Анна", ""), "Анна");
        assert_eq!(author_name(" ", "Смирнова"), "");
    }

    #[test]
    fn control_characters_go() {
        assert_eq!(clean(" a\u{0}b\r\nc "), "ab\nc");
        assert_eq!(
            check_reason("  ").unwrap_err().code,
            "reject_reason_required"
        );
        assert_eq!(
            check_reason(&"x".repeat(501)).unwrap_err().code,
            "reason_too_long"
        );
    }
}
