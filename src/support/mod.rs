//! «Обращения в поддержку» (issue 13): a customer writes to the shop, optionally about one of
//! their orders; the shop answers from the console; the thread's status goes open → answered
//! (the customer is told) → closed, and back to open when the customer writes again.
//!
//! Rules: subject 1–200 characters, each message 1–4000; an order must be one of the
//! customer's own (`order_not_found`); at most `limits.tickets_per_day` new requests per
//! customer a day, reserved before anything is stored (`too_many_tickets`, 429). A closed
//! request takes no more messages (`ticket_closed`, 409): the customer opens a new one. Every
//! change of status is one conditional statement; another customer's request is not found.

pub mod api;
pub mod pages;
pub mod store;

use crate::db::{begin_write, looks_like_id, new_id};
use crate::error::{AppError, AppResult};
use crate::limits::{self, DAY_MS, Window};
use crate::state::AppState;
use serde::Serialize;

pub const SUBJECT_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    Answered,
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 3] = [Self::Open, Self::Answered, Self::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Staff,
}

#[derive(Debug, Clone)]
pub struct Ticket {
    pub id: String,
    pub customer_id: String,
    pub subject: String,
    pub order_number: Option<String>,
    pub status: TicketStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Ticket {
    fn of(r: store::TicketRow) -> AppResult<Self> {
        Ok(Ticket {
            status: TicketStatus::parse(&r.status)
                .ok_or_else(|| AppError::internal(format!("unknown ticket status {}", r.status)))?,
            id: r.id,
            customer_id: r.customer_id,
            subject: r.subject,
            order_number: r.order_number,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub author: Author,
    pub text: String,
    pub at: i64,
}

/// A request with its messages, oldest first.
#[derive(Debug, Clone)]
pub struct Thread {
    pub ticket: Ticket,
    pub messages: Vec<Message>,
}

/// Trims and drops control characters other than line breaks and tabs.
fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A message's text: 1–4000 characters after trimming.
pub fn check_text(text: &str) -> AppResult<String> {
    let t = clean(text);
    if t.is_empty() {
        return Err(AppError::bad_request("message_required"));
    }
    if t.chars().count() > TEXT_MAX {
        return Err(AppError::bad_request("message_too_long").arg("max", TEXT_MAX.to_string()));
    }
    Ok(t)
}

/// A subject: 1–200 characters on one line.
pub fn check_subject(subject: &str) -> AppResult<String> {
    let s = clean(subject)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if s.is_empty() {
        return Err(AppError::bad_request("subject_required"));
    }
    if s.chars().count() > SUBJECT_MAX {
        return Err(AppError::bad_request("subject_too_long").arg("max", SUBJECT_MAX.to_string()));
    }
    Ok(s)
}

fn not_found() -> AppError {
    AppError::missing("ticket_not_found")
}

/// Opens a request. The day's allowance is reserved before anything is stored.
pub async fn create(
    state: &AppState,
    customer: &str,
    subject: &str,
    text: &str,
    order_number: Option<&str>,
) -> AppResult<Ticket> {
    let subject = check_subject(subject)?;
    let text = check_text(text)?;
    let order = match order_number.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(n) => {
            let number = crate::orders::OrderNumber::parse(n)
                .ok_or_else(|| AppError::missing("order_not_found"))?;
            crate::orders::by_number(state, customer, &number)
                .await?
                .ok_or_else(|| AppError::missing("order_not_found"))?;
            Some(number.as_str().to_owned())
        }
    };
    let now = state.clock.now_ms();
    let key = format!("tickets:{customer}");
    let cap = state.config.limits.tickets_per_day;
    if limits::reserve(crate::db::autocommit(&state.db), &key, DAY_MS, cap, now)
        .await?
        .is_none()
    {
        return Err(AppError::too_many(
            "too_many_tickets",
            Window::of(now, DAY_MS).retry_after_secs(now),
        ));
    }
    let ticket = store::TicketRow {
        id: new_id(),
        customer_id: customer.to_owned(),
        subject,
        order_number: order,
        status: "open".into(),
        created_at: now,
        updated_at: now,
    };
    let mut tx = begin_write(&state.db).await?;
    store::insert_ticket(&mut tx, &ticket).await?;
    store::insert_message(&mut tx, &new_id(), &ticket.id, "customer", None, &text, now).await?;
    tx.commit().await?;
    Ticket::of(ticket)
}

/// The customer's requests, the latest change first.
pub async fn mine(
    state: &AppState,
    customer: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Ticket>, Option<String>)> {
    let start = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let rows = store::of_customer(&state.db, customer, start, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.updated_at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(Ticket::of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, next))
}

async fn thread_of(state: &AppState, t: store::TicketRow) -> AppResult<Thread> {
    let messages = store::messages(&state.db, &t.id)
        .await?
        .into_iter()
        .map(|(id, author, text, at)| Message {
            id,
            author: if author == "staff" {
                Author::Staff
            } else {
                Author::Customer
            },
            text,
            at,
        })
        .collect();
    Ok(Thread {
        ticket: Ticket::of(t)?,
        messages,
    })
}

/// One of the customer's requests with its messages; another customer's is not found.
pub async fn thread(state: &AppState, customer: &str, id: &str) -> AppResult<Thread> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let t = store::ticket(&state.db, id)
        .await?
        .filter(|t| t.customer_id == customer)
        .ok_or_else(not_found)?;
    thread_of(state, t).await
}

/// Any request with its messages (for staff).
pub async fn any_thread(state: &AppState, id: &str) -> AppResult<Thread> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let t = store::ticket(&state.db, id).await?.ok_or_else(not_found)?;
    thread_of(state, t).await
}

/// Adds a message and sets the status, in one transaction: the status first, by one
/// conditional update (not closed; the customer's own when `customer` is given).
async fn post(
    state: &AppState,
    id: &str,
    customer: Option<&str>,
    author: Author,
    staff_id: Option<&str>,
    text: &str,
) -> AppResult<Ticket> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let text = check_text(text)?;
    let now = state.clock.now_ms();
    let (status, who) = match author {
        Author::Customer => ("open", "customer"),
        Author::Staff => ("answered", "staff"),
    };
    let mut tx = begin_write(&state.db).await?;
    if !store::set_status_open(&mut tx, id, customer, status, now).await? {
        drop(tx);
        // Not closable here: unknown or someone else's → not found; else it is closed.
        store::ticket(&state.db, id)
            .await?
            .filter(|t| customer.is_none_or(|c| c == t.customer_id))
            .ok_or_else(not_found)?;
        return Err(AppError::conflict("ticket_closed"));
    }
    store::insert_message(&mut tx, &new_id(), id, who, staff_id, &text, now).await?;
    tx.commit().await?;
    Ticket::of(store::ticket(&state.db, id).await?.ok_or_else(not_found)?)
}

/// The customer writes again: the request is open again. Ten messages a day for each request
/// a customer may open (`limits.tickets_per_day` × 10), reserved first: 429
/// `too_many_messages` over it.
pub async fn reply(state: &AppState, customer: &str, id: &str, text: &str) -> AppResult<Ticket> {
    let now = state.clock.now_ms();
    let cap = state.config.limits.tickets_per_day.saturating_mul(10);
    if limits::reserve(
        crate::db::autocommit(&state.db),
        &format!("ticket-messages:{customer}"),
        DAY_MS,
        cap,
        now,
    )
    .await?
    .is_none()
    {
        return Err(AppError::too_many(
            "too_many_messages",
            Window::of(now, DAY_MS).retry_after_secs(now),
        ));
    }
    post(state, id, Some(customer), Author::Customer, None, text).await
}

/// The shop answers: the request is answered and the customer is told.
pub async fn answer(state: &AppState, staff_id: &str, id: &str, text: &str) -> AppResult<Ticket> {
    let t = post(state, id, None, Author::Staff, Some(staff_id), text).await?;
    let subject: String = t.subject.chars().take(60).collect();
    let link = format!("{}/support/tickets/{}", state.base_url, t.id);
    // The answer stands even if the notice cannot be queued.
    if let Err(e) = crate::customers::notices::announce(
        state,
        &t.customer_id,
        crate::customers::notices::Topic::Support,
        "support-answered",
        |_| vec![("subject", subject.clone())],
        Some(link),
    )
    .await
    {
        tracing::warn!(error = %e, "the support answer's notice was not queued");
    }
    Ok(t)
}

/// Closes a request (the customer's own when `customer` is given). Closed already → 409.
pub async fn close(state: &AppState, customer: Option<&str>, id: &str) -> AppResult<Ticket> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let now = state.clock.now_ms();
    if !store::close(&state.db, id, customer, now).await? {
        store::ticket(&state.db, id)
            .await?
            .filter(|t| customer.is_none_or(|c| c == t.customer_id))
            .ok_or_else(not_found)?;
        return Err(AppError::conflict("ticket_closed"));
    }
    Ticket::of(store::ticket(&state.db, id).await?.ok_or_else(not_found)?)
}

/// The staff's queue: requests in `status` (any when `None`), the longest waiting first.
pub async fn queue(
    state: &AppState,
    status: Option<TicketStatus>,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Ticket>, Option<String>)> {
    let after = match cursor {
        None => (i64::MIN, String::new()),
        Some(c) => c
            .split_once(':')
            .and_then(|(a, id)| Some((a.parse::<i64>().ok()?, id.to_owned())))
            .filter(|(_, id)| looks_like_id(id))
            .ok_or_else(|| AppError::bad_request("invalid_cursor"))?,
    };
    let status = status.map_or("", TicketStatus::as_str);
    let rows = store::queue(&state.db, status, after.0, &after.1, limit + 1).await?;
    let next = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1))
        .flatten()
        .map(|r| format!("{}:{}", r.updated_at, r.id));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(Ticket::of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_texts_are_checked() {
        assert_eq!(
            check_subject("  Где   мой\nзаказ? ").unwrap(),
            "Где мой заказ?"
        );
        assert_eq!(check_subject(" ").unwrap_err().code, "subject_required");
        assert_eq!(
            check_subject(&"я".repeat(201)).unwrap_err().code,
            "subject_too_long"
        );
        assert_eq!(check_text("\u{0} ").unwrap_err().code, "message_required");
        assert_eq!(
            check_text(&"я".repeat(4001)).unwrap_err().code,
            "message_too_long"
        );
        assert_eq!(check_text(" Привет\r\nмир ").unwrap(), "Привет\nмир");
    }

    #[test]
    fn statuses_round_trip() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(TicketStatus::parse("lost"), None);
    }
}
