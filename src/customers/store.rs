//! The customers' SQL: the `customers` rows and the security log (`security_events`). Other
//! capabilities read and change a customer only through these functions.

use super::{Actor, CustomerRow};
use crate::db::autocommit;
use crate::db::{Db, new_id};
use crate::domain::identity::Contact;
use sqlx::{Any, Executor};

pub async fn by_id<'e, E: Executor<'e, Database = Any>>(
    db: E,
    id: &str,
) -> Result<Option<CustomerRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, first_name, last_name, patronymic, address_as, phone, email, email_verified, \
         last_seen_at, contact_hold_until, password_hash FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The customer whose phone or email (by the contact's kind) this is.
pub async fn by_contact<'e, E: Executor<'e, Database = Any>>(
    db: E,
    contact: &Contact,
) -> Result<Option<CustomerRow>, sqlx::Error> {
    const BY_PHONE: &str = "SELECT id, first_name, last_name, patronymic, address_as, phone, email, \
        email_verified, last_seen_at, contact_hold_until, password_hash FROM customers WHERE phone = $1";
    const BY_EMAIL: &str = "SELECT id, first_name, last_name, patronymic, address_as, phone, email, \
        email_verified, last_seen_at, contact_hold_until, password_hash FROM customers WHERE email = $1";
    let sql = match contact {
        Contact::Phone(_) => BY_PHONE,
        Contact::Email(_) => BY_EMAIL,
    };
    sqlx::query_as(sql)
        .bind(contact.as_str())
        .fetch_optional(db)
        .await
}

/// Records a sign-in by `contact` (what "dormant" is measured from) on the customer `id`, if
/// that customer still has the contact; an email contact is confirmed by it. One statement,
/// which returns the customer as they now are (`None`: not this customer's contact, or no such
/// customer).
pub async fn touch_returning(
    conn: &mut crate::db::Conn,
    id: &str,
    contact: &Contact,
    now: i64,
) -> Result<Option<CustomerRow>, sqlx::Error> {
    const BY_PHONE: &str = "UPDATE customers SET last_seen_at = $1 WHERE id = $2 AND phone = $3 \
        RETURNING id, first_name, last_name, patronymic, address_as, phone, email, \
        email_verified, last_seen_at, contact_hold_until, password_hash";
    const BY_EMAIL: &str = "UPDATE customers SET last_seen_at = $1, email_verified = 1 \
        WHERE id = $2 AND email = $3 \
        RETURNING id, first_name, last_name, patronymic, address_as, phone, email, \
        email_verified, last_seen_at, contact_hold_until, password_hash";
    let sql = match contact {
        Contact::Phone(_) => BY_PHONE,
        Contact::Email(_) => BY_EMAIL,
    };
    sqlx::query_as(sql)
        .bind(now)
        .bind(id)
        .bind(contact.as_str())
        .fetch_optional(&mut *conn)
        .await
}

/// Records a sign-in time (what "dormant" is measured from).
pub async fn touch(db: &Db, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Opens an account with just a contact, unless the phone or email is taken (the unique
/// indexes decide). The new customer when this insert made the row.
pub async fn insert_with_contact(
    conn: &mut crate::db::Conn,
    phone: Option<&str>,
    email: Option<&str>,
    email_verified: bool,
    now: i64,
) -> Result<Option<CustomerRow>, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO customers (id, phone, email, email_verified, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING \
         RETURNING id, first_name, last_name, patronymic, address_as, phone, email, \
         email_verified, last_seen_at, contact_hold_until, password_hash",
    )
    .bind(new_id())
    .bind(phone)
    .bind(email)
    .bind(i64::from(email_verified))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
}

/// An account opened by a confirmed registration: names, the email (confirmed) and a password.
pub struct Registration<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
}

/// Opens the account of a registration unless its email is taken (the unique index decides).
/// The new customer's id when this insert made the row.
pub async fn insert_registered(
    db: &Db,
    r: &Registration<'_>,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO customers (id, first_name, last_name, email, email_verified, password_hash, \
         password_changed_at, created_at, last_seen_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $6, $6) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(r.first_name)
    .bind(r.last_name)
    .bind(r.email)
    .bind(r.password_hash)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected();
    Ok((inserted == 1).then_some(id))
}

/// Replaces the stored hash of the same password (a rehash with newer parameters): the time
/// the password changed stays.
pub async fn set_password_hash(db: &Db, id: &str, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Sets a new password, changed at `now`.
pub async fn set_password(db: &Db, id: &str, hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Removes `phone` from the customer if it is still theirs. True when it was.
pub async fn detach_phone(db: &Db, id: &str, phone: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE customers SET phone = NULL WHERE id = $1 AND phone = $2")
            .bind(id)
            .bind(phone)
            .execute(autocommit(db))
            .await?
            .rows_affected()
            == 1,
    )
}

/// Removes `email` from the customer (and its confirmation) if it is still theirs. True when
/// it was.
pub async fn detach_email(db: &Db, id: &str, email: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE customers SET email = NULL, email_verified = 0 WHERE id = $1 AND email = $2",
    )
    .bind(id)
    .bind(email)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_names(
    db: &Db,
    id: &str,
    first_name: &str,
    last_name: &str,
    patronymic: &str,
    address_as: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET first_name = $1, last_name = $2, patronymic = $3, address_as = $4 WHERE id = $5")
        .bind(first_name)
        .bind(last_name)
        .bind(patronymic)
        .bind(address_as)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Sets the customer's phone. A phone another customer has fails on the unique index.
pub async fn set_phone(db: &Db, id: &str, phone: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET phone = $1 WHERE id = $2")
        .bind(phone)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Sets the customer's email, confirmed. An email another customer has fails on the unique
/// index.
pub async fn set_confirmed_email(db: &Db, id: &str, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET email = $1, email_verified = 1 WHERE id = $2")
        .bind(email)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Puts `replacement` in place of the customer's phone if it is still `current`. Fails on the
/// unique index when another customer has `replacement`.
pub async fn replace_phone(
    db: &Db,
    id: &str,
    current: &str,
    replacement: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET phone = $1 WHERE id = $2 AND phone = $3")
        .bind(replacement)
        .bind(id)
        .bind(current)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Puts `replacement` in place of the customer's email if it is still `current` (its
/// confirmation stays as it is). Fails on the unique index when another customer has
/// `replacement`.
pub async fn replace_email(
    db: &Db,
    id: &str,
    current: &str,
    replacement: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET email = $1 WHERE id = $2 AND email = $3")
        .bind(replacement)
        .bind(id)
        .bind(current)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Removes the customer's password if it was set after `since`, noting `now` as the time the
/// password changed. True when one was removed.
pub async fn remove_password_set_after(
    db: &Db,
    id: &str,
    since: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE customers SET password_hash = NULL, password_changed_at = $3 \
         WHERE id = $1 AND password_hash IS NOT NULL AND password_changed_at > $2",
    )
    .bind(id)
    .bind(since)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// Sets the customer's phone and holds contact changes until `hold_until`.
pub async fn set_phone_and_hold(
    db: &Db,
    id: &str,
    phone: &str,
    hold_until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET phone = $1, contact_hold_until = $2 WHERE id = $3")
        .bind(phone)
        .bind(hold_until)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Sets a new password, changed at `now`, and holds contact changes until `hold_until`.
pub async fn set_password_and_hold(
    db: &Db,
    id: &str,
    hash: &str,
    now: i64,
    hold_until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE customers SET password_hash = $1, password_changed_at = $2, contact_hold_until = $3 WHERE id = $4",
    )
    .bind(hash)
    .bind(now)
    .bind(hold_until)
    .bind(id)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// Keeps `now` as the time of consent unless one is kept already.
pub async fn set_consent_once(db: &Db, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET consent_at = $1 WHERE id = $2 AND consent_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// How many customers there are.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(db)
        .await
}

/// A customer as the demo data has it: names, a phone and a confirmed email.
pub struct DemoCustomer<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub patronymic: &'a str,
    pub address_as: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
}

pub async fn insert_demo(db: &Db, c: &DemoCustomer<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO customers (id, first_name, last_name, patronymic, address_as, phone, email, \
         email_verified, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
    )
    .bind(new_id())
    .bind(c.first_name)
    .bind(c.last_name)
    .bind(c.patronymic)
    .bind(c.address_as)
    .bind(c.phone)
    .bind(c.email)
    .bind(now)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// Appends to the security log. The log is append-only: nothing updates or deletes its rows.
pub async fn log_event<'e, E: Executor<'e, Database = Any>>(
    db: E,
    now: i64,
    actor: &Actor,
    customer_id: Option<&str>,
    contact: Option<&str>,
    event: &str,
    result: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO security_events (id, customer_id, contact, at, ip, user_agent, event, result, actor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(customer_id)
    .bind(contact)
    .bind(now)
    .bind(&actor.ip)
    .bind(&actor.user_agent)
    .bind(event)
    .bind(result)
    .bind(actor.kind.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// A security log row: (at, event, result, ip, user agent, actor).
pub type EventRow = (i64, String, String, String, String, String);

/// The customer's security log after `since`, newest first, at most 200 rows.
pub async fn events_since(
    db: &Db,
    customer_id: &str,
    since: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT at, event, result, ip, user_agent, actor FROM security_events \
         WHERE customer_id = $1 AND at > $2 ORDER BY at DESC LIMIT 200",
    )
    .bind(customer_id)
    .bind(since)
    .fetch_all(db)
    .await
}

// ---- for other capabilities: the remembered pickup point, a row lock ----

pub async fn set_pickup_point(
    db: &Db,
    customer_id: &str,
    point_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET pickup_point_id = $1 WHERE id = $2")
        .bind(point_id)
        .bind(customer_id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// `None` for no such customer, `Some(None)` for a customer who has not chosen.
pub async fn pickup_point(
    db: &Db,
    customer_id: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT pickup_point_id FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(db)
        .await
}

/// Locks the customer's row for the rest of the transaction (a no-op update), so address-book
/// writes of one customer go one at a time.
pub async fn lock(tx: &mut crate::db::Conn, customer: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET last_seen_at = last_seen_at WHERE id = $1")
        .bind(customer)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The language the customer's messages are written in (`ru`, `en`).
pub async fn locale_of(db: &Db, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT locale FROM customers WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A customer in the staff's search: (id, last, first, patronymic, phone, email, created_at).
pub type SearchRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);

/// A page of customers for the staff console, newest first (cursor: `created_at`, `id` below
/// `before`): with `everything`, all of them; else those whose phone or email is exactly
/// `phone` / `email`, or whose name (last, first, patronymic, form of address) contains one of
/// `name_like` (LIKE patterns: the caller passes the case variants it wants found).
pub async fn search(
    db: &Db,
    everything: bool,
    phone: Option<&str>,
    email: Option<&str>,
    name_like: &[String],
    before: (i64, &str),
    limit: i64,
) -> Result<Vec<SearchRow>, sqlx::Error> {
    let names = "(last_name || ' ' || first_name || ' ' || patronymic || ' ' || address_as)";
    let pattern = |i: usize| name_like.get(i).map(String::as_str).unwrap_or("");
    let sql = format!(
        "SELECT id, last_name, first_name, patronymic, phone, email, created_at FROM customers \
         WHERE ($1 = 1 OR phone = $2 OR email = $3 \
         OR ($4 <> '' AND {names} LIKE $4 ESCAPE '\\') OR ($5 <> '' AND {names} LIKE $5 ESCAPE '\\') \
         OR ($6 <> '' AND {names} LIKE $6 ESCAPE '\\')) \
         AND (created_at < $7 OR (created_at = $7 AND id < $8)) \
         ORDER BY created_at DESC, id DESC LIMIT $9"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(everything))
        .bind(phone.unwrap_or(""))
        .bind(email.unwrap_or(""))
        .bind(pattern(0).to_owned())
        .bind(pattern(1).to_owned())
        .bind(pattern(2).to_owned())
        .bind(before.0)
        .bind(before.1.to_owned())
        .bind(limit + 1)
        .fetch_all(db)
        .await
}

/// When the customer's account was opened.
pub async fn created_at(db: &Db, id: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT created_at FROM customers WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

// ---- notification settings («Уведомления») ----

/// The stored flags: order SMS, order email, support SMS, support email, promotions SMS,
/// promotions email (0/1), and when promotions were agreed to.
pub type NoticeRow = (i64, i64, i64, i64, i64, i64, Option<i64>);

/// `None` when the customer never changed the defaults.
pub async fn notice_settings(db: &Db, customer_id: &str) -> Result<Option<NoticeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT order_sms, order_email, support_sms, support_email, promotions_sms, \
         promotions_email, promotions_consent_at FROM notification_settings WHERE customer_id = $1",
    )
    .bind(customer_id)
    .fetch_optional(db)
    .await
}

/// Stores the whole set (one statement: the row is made or replaced).
pub async fn set_notice_settings(
    db: &Db,
    customer_id: &str,
    row: &NoticeRow,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_settings (customer_id, order_sms, order_email, support_sms, \
         support_email, promotions_sms, promotions_email, promotions_consent_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (customer_id) DO UPDATE SET order_sms = $2, order_email = $3, \
         support_sms = $4, support_email = $5, promotions_sms = $6, promotions_email = $7, \
         promotions_consent_at = $8, updated_at = $9",
    )
    .bind(customer_id)
    .bind(row.0)
    .bind(row.1)
    .bind(row.2)
    .bind(row.3)
    .bind(row.4)
    .bind(row.5)
    .bind(row.6)
    .bind(now)
    .execute(autocommit(db))
    .await?;
    Ok(())
}
