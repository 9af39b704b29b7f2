//! «Мои данные» (152-ФЗ): everything stored about the customer as one JSON document, and
//! deleting the account — sessions end, personal data is erased, orders and the wallet's
//! ledgers stay for accounting without it, the phone and email become free.

pub mod api;
pub mod pages;
pub mod store;

use crate::auth::sessions::Authenticated;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde_json::{Map, Value, json};

/// Everything stored about the signed-in customer: the profile and choices, sessions, orders,
/// the wallet's totals (its ledgers are among the tables), and — read from the database's catalogue — every row of every table that holds
/// the customer's id (`stored`, by table; secrets such as password and token hashes left out).
pub async fn export(state: &AppState, auth: &Authenticated) -> AppResult<Value> {
    let c = &auth.customer;
    let now = state.clock.now_ms();
    let mut orders = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let (page, next) = crate::orders::list(state, &c.id, cursor.as_deref(), 100).await?;
        orders.extend(page);
        match next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    let mut stored = Map::new();
    for (table, column) in store::customer_tables(&state.db).await? {
        let rows = store::rows_of(&state.db, &table, &column, &c.id).await?;
        if rows.is_empty() {
            continue;
        }
        match stored.get_mut(&table) {
            Some(Value::Array(existing)) => existing.extend(rows),
            _ => {
                stored.insert(table, Value::Array(rows));
            }
        }
    }
    for (name, sql) in store::CHILD_TABLES {
        let rows = store::rows_by(&state.db, sql, &c.id).await?;
        if !rows.is_empty() {
            stored.insert(name.into(), Value::Array(rows));
        }
    }
    stored.insert(
        "customers".into(),
        Value::Array(store::rows_of(&state.db, "customers", "id", &c.id).await?),
    );
    Ok(json!({
        "exported_at": crate::clock::rfc3339(now),
        "profile": crate::customers::Me::from(c),
        "notifications": crate::customers::notices::settings(&state.db, &c.id).await?,
        "sessions": crate::auth::sessions::list(state, auth).await?,
        "orders": orders,
        "wallet": {
            "points": crate::loyalty::available(&state.db, &c.id, now).await?,
            "balance": crate::balance::balance(&state.db, &c.id).await?.get(),
        },
        "stored": stored,
    }))
}

/// Deletes the signed-in customer's account: needs a sign-in at most 15 minutes old
/// (`reauth_required`) and no order on its way (`orders_in_progress`). One transaction erases
/// (see [`store::erase`]); then the customer is told, by email (else SMS), at the contact they
/// had. Requests racing for one account erase it once and tell once.
pub async fn delete(state: &AppState, auth: &Authenticated) -> AppResult<()> {
    crate::auth::credentials::require_fresh(state, auth)?;
    let c = &auth.customer;
    if store::orders_underway(&state.db, &c.id).await? > 0 {
        return Err(AppError::conflict("orders_in_progress"));
    }
    let contacts: Vec<String> = [c.phone.clone(), c.email.clone()]
        .into_iter()
        .flatten()
        .collect();
    let locale = crate::customers::store::locale_of(&state.db, &c.id)
        .await?
        .as_deref()
        .and_then(crate::i18n::Locale::parse)
        .unwrap_or(crate::i18n::Locale::Ru);
    let now = state.clock.now_ms();
    let mut tx = crate::db::begin_write(&state.db).await?;
    match store::erase(&mut tx, &c.id, &contacts, now).await? {
        store::Erased::Now => tx.commit().await?,
        store::Erased::Already => return Ok(()),
        // An order was placed (or a return asked) after the check above.
        store::Erased::Underway => return Err(AppError::conflict("orders_in_progress")),
    }
    use crate::domain::identity::Channel;
    let (channel, to) = match (&c.email, &c.phone) {
        (Some(email), _) => (Channel::Email, email),
        (None, Some(phone)) => (Channel::Sms, phone),
        (None, None) => return Ok(()),
    };
    if let Err(e) = crate::customers::notify(state, channel, to, locale, "account-deleted").await {
        tracing::warn!(error = %e, "account deletion notice not queued");
    }
    Ok(())
}
