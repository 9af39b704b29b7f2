//! One pool type for both backends (`sqlx::Any`), chosen by the URL scheme; portable SQL only
//! (see ARCHITECTURE.md §3). SQLite connections get their pragmas on every connect.

pub mod backup;
pub mod changes;
pub mod lite;
pub mod readers;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub type Db = AnyPool;

pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// `(SELECT <a JSON array with one [cols…] array per row, ordered by order_by> FROM from)`,
/// as text ('[]' when no rows). JSON aggregation is the one thing the two databases spell
/// differently, so it is written here once for both.
pub fn json_rows(sqlite: bool, cols: &str, order_by: &str, from: &str) -> String {
    if sqlite {
        format!("(SELECT json_group_array(json_array({cols}) ORDER BY {order_by}) FROM {from})")
    } else {
        format!(
            "(SELECT COALESCE(json_agg(json_build_array({cols}) ORDER BY {order_by}), '[]')::text FROM {from})"
        )
    }
}

/// PostgreSQL: `NOTIFY channel, payload`, sent when this statement (its own transaction)
/// commits.
pub async fn notify(db: &Db, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) n")
        .bind(channel)
        .bind(payload)
        .execute(db)
        .await?;
    Ok(())
}

/// JSON text written by SQLite itself, byte for byte as `serde_json::to_string` writes the
/// same value: compact, strings escaped alike (`\"`, `\\`, `\b \f \n \r \t`, other control
/// characters as lowercase `\u00xx`, everything else as is), built with `json_object` and
/// `json_group_array` (nested values keep SQLite's JSON subtype, so they are embedded, not
/// quoted). A page built this way leaves the database as one text in one row: no row-by-row
/// hand-off through sqlx-sqlite's worker thread, no parsing into structs and writing them out
/// again. Times leave the database as numbers (Unix ms) and [`rfc3339_times`] writes them as
/// [`crate::clock::rfc3339`] does (`strftime` per time cost more than the rest of the page).
///
/// SQLite only: on PostgreSQL the same JSON costs the database more than it saves the server
/// (`json_build_object` writes spaces, so it has to be `concat` of `to_json` pieces, which
/// measured ~35 % slower than the `json_agg` rows it replaces), so PostgreSQL keeps the rows.
pub struct SqliteJson;

/// One value of a [`SqliteJson::object`]: an SQL expression and how it is written.
pub enum Json<'a> {
    /// A TEXT or BIGINT expression: a JSON string or number, `null` when NULL (times are
    /// numbers: see [`rfc3339_times`]).
    Value(&'a str),
    /// An expression that already yields JSON ([`SqliteJson::array`], another object).
    Raw(String),
    /// A nested object.
    Object(Vec<(&'a str, Json<'a>)>),
    /// A nested object when the SQL condition holds, else `null`.
    ObjectIf(&'a str, Vec<(&'a str, Json<'a>)>),
}

impl SqliteJson {
    /// `{"k1":v1,"k2":v2,…}`. Keys are written as given: plain identifiers only.
    pub fn object(fields: Vec<(&str, Json<'_>)>) -> String {
        let args: Vec<String> = fields
            .into_iter()
            .map(|(key, v)| {
                debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
                let v = match v {
                    Json::Value(e) => e.to_owned(),
                    Json::Raw(e) => e,
                    Json::Object(f) => Self::object(f),
                    Json::ObjectIf(cond, f) => {
                        format!("CASE WHEN {cond} THEN {} END", Self::object(f))
                    }
                };
                format!("'{key}', {v}")
            })
            .collect();
        format!("json_object({})", args.join(", "))
    }

    /// `(SELECT [item, item, …] FROM from)`: a JSON array of one `item` (a JSON expression) per
    /// row of `from`, in `order_by` order; `[]` when there is none.
    pub fn array(item: &str, order_by: &str, from: &str) -> String {
        format!("(SELECT json_group_array({item} ORDER BY {order_by}) FROM {from})")
    }
}

/// Writes the integer values of the keys `keys` in compact JSON text made by [`SqliteJson`] (Unix
/// ms) as quoted RFC 3339 strings, exactly as [`crate::clock::rfc3339`] does. Only object keys
/// match: in compact JSON a key is `"name":` right after `{` or `,`, and inside a string every
/// `"` is escaped, so string contents never look like that.
pub fn rfc3339_times(json: &str, keys: &[&str]) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + json.len() / 4);
    let mut copied = 0;
    let mut from = 0;
    // `find(char)` is a memchr; a `&str` pattern would set up a two-way searcher every time.
    while let Some(found) = json[from..].find(':') {
        // `quote` closes a key when the key is ours and opened right after `{` or `,`.
        let colon = from + found;
        from = colon + 1;
        if colon == 0 || bytes[colon - 1] != b'"' {
            continue;
        }
        let quote = colon - 1;
        let value = colon + 1;
        let ours = keys.iter().any(|k| {
            let k = k.as_bytes();
            quote >= k.len() + 2
                && &bytes[quote - k.len()..quote] == k
                && bytes[quote - k.len() - 1] == b'"'
                && matches!(bytes[quote - k.len() - 2], b'{' | b',')
        });
        if !ours {
            continue;
        }
        let digits = bytes[value..]
            .iter()
            .enumerate()
            .take_while(|&(i, &b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
            .count();
        let Ok(ms) = json[value..value + digits].parse::<i64>() else {
            continue; // `null`
        };
        out.push_str(&json[copied..value]);
        out.push('"');
        out.push_str(&crate::clock::rfc3339(ms));
        out.push('"');
        copied = value + digits;
        from = copied;
    }
    out.push_str(&json[copied..]);
    out
}

pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
    install_default_drivers();
    let url = if is_sqlite(url) {
        prepare_sqlite_url(url)?
    } else {
        url.to_owned()
    };
    let in_memory = lite::file_of(&url).is_none();
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections.max(1))
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // No `SELECT 1` round trip before every query (on PostgreSQL a sixth of an order
        // page's server CPU, and a hop to the worker thread on SQLite). A connection that
        // died with the database fails its next query and is dropped by the pool.
        .test_before_acquire(false)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if conn.backend_name().eq_ignore_ascii_case("sqlite") {
                    conn.execute(SQLITE_PRAGMAS).await?;
                    if !in_memory {
                        // Writes go through the write turn (`begin_write`, `writer`, `autocommit`):
                        // one that slipped past it would poll SQLite's busy handler against
                        // the group transaction, which under load is nearly always open.
                        conn.execute("PRAGMA query_only = ON").await?;
                    }
                } else {
                    // Our queries are short: JIT compilation (hundreds of ms when a plan's
                    // cost estimate is high, e.g. before ANALYZE) never pays off here.
                    conn.execute("SET jit = off").await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    Ok(pool)
}

/// `sqlite://data/kabinet.db` → the parent folder exists and the file is created on demand.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let mut q = query.to_owned();
    if !q.contains("mode=") {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str("mode=rwc");
    }
    Ok(format!("sqlite://{path}?{q}"))
}

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

/// Brings the schema up to date. An SQLite file's pool only reads, so its migrations run on a
/// connection of their own, holding the write turn.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    let migrator = sqlx::migrate!("./migrations");
    let url = db.connect_options().database_url.as_str().to_owned();
    if !is_sqlite_pool(db) || lite::file_of(&url).is_none() {
        migrator.run(db).await.map_err(migration_error)?;
        return Ok(());
    }
    use sqlx::Connection;
    let mut turn = lite::take_turn(&url).await?;
    turn.commit_open_group()?;
    let mut conn = sqlx::AnyConnection::connect(&url).await?;
    conn.execute(SQLITE_PRAGMAS).await?;
    migrator.run(&mut conn).await.map_err(migration_error)?;
    conn.close().await?;
    drop(turn);
    Ok(())
}

/// A database a newer version has migrated is refused in plain words (sqlx says a migration
/// "is missing"): during a rolling upgrade old nodes keep running, but one started anew after
/// the upgrade began would run code older than the schema's contract.
fn migration_error(e: sqlx::migrate::MigrateError) -> anyhow::Error {
    match e {
        sqlx::migrate::MigrateError::VersionMissing(v) => anyhow::anyhow!(
            "the database was migrated by a newer version of Kabinet (migration {v} is unknown \
             to this one): run that version or a later one"
        ),
        e => e.into(),
    }
}

/// Whether the database answers (`SELECT 1` on a pooled connection).
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(db).await.map(|_| ())
}

/// Begins a transaction that will write. On an SQLite file it is a [`lite::LiteTx`] on the
/// file's one write connection, run on the calling thread, after this process's other
/// writers (see [`lite`]). On PostgreSQL it is an ordinary sqlx `BEGIN` (row locks do the
/// queueing).
pub async fn begin_write(db: &Db) -> Result<Conn, sqlx::Error> {
    if !is_sqlite_pool(db) {
        return Ok(Conn::Tx(db.begin().await?, None));
    }
    let url = db.connect_options().database_url.as_str().to_owned();
    let mut turn = lite::take_turn(&url).await?;
    if turn.connect(&url)? {
        Ok(Conn::Lite(lite::LiteTx::begin(turn)?))
    } else {
        // In-memory: only the pool's connections see it. `BEGIN IMMEDIATE`: a deferred
        // transaction that reads and then writes fails when another writer got in between.
        Ok(Conn::Tx(
            db.begin_with("BEGIN IMMEDIATE").await?,
            Some(turn),
        ))
    }
}

/// A connection for writes that need no transaction of their own (a counter, a batch of
/// queue rows); end it with [`Conn::commit`]. On an SQLite file it is a write transaction like
/// [`begin_write`]'s: in line with the other writers, on the calling thread, never in SQLite's
/// busy handler. Elsewhere it is a pooled connection, each statement committing by itself.
pub async fn writer(db: &Db) -> Result<Conn, sqlx::Error> {
    if is_sqlite_pool(db) {
        begin_write(db).await
    } else {
        acquire(db).await
    }
}

/// A pooled connection outside a transaction, for code that runs several statements on one
/// connection without needing them to be atomic.
pub async fn acquire(db: &Db) -> Result<Conn, sqlx::Error> {
    Ok(Conn::Pooled(db.acquire().await?))
}

/// A connection the stores' queries run on (`&mut conn` is an sqlx `Executor`): a write
/// transaction from [`begin_write`] or a pooled connection from [`acquire`]. A transaction is
/// ended by [`Conn::commit`] or [`Conn::rollback`]; dropped, it rolls back.
pub enum Conn {
    /// A sqlx transaction: PostgreSQL, or an in-memory SQLite database with its write turn
    /// (given back after the transaction ends: fields drop in order).
    Tx(
        sqlx::Transaction<'static, sqlx::Any>,
        Option<lite::TurnGuard>,
    ),
    /// An SQLite file's write transaction on its write connection.
    Lite(lite::LiteTx),
    /// A pooled connection, each statement its own transaction.
    Pooled(sqlx::pool::PoolConnection<sqlx::Any>),
}

impl Conn {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Conn::Tx(tx, _turn) => tx.commit().await,
            Conn::Lite(tx) => tx.commit().await,
            Conn::Pooled(_) => Ok(()),
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Conn::Tx(tx, _turn) => tx.rollback().await,
            Conn::Lite(tx) => tx.rollback(),
            Conn::Pooled(_) => Ok(()),
        }
    }

    /// `"sqlite"` or `"postgres"`, as sqlx names its backends.
    pub fn backend_name(&self) -> &str {
        match self {
            Conn::Tx(tx, _) => tx.backend_name(),
            Conn::Lite(_) => "SQLite",
            Conn::Pooled(c) => c.backend_name(),
        }
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Conn::Tx(..) => f.write_str("Conn::Tx"),
            Conn::Lite(t) => t.fmt(f),
            Conn::Pooled(_) => f.write_str("Conn::Pooled"),
        }
    }
}

impl<'c> sqlx::Executor<'c> for &'c mut Conn {
    type Database = sqlx::Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::stream::BoxStream<
        'e,
        Result<sqlx::Either<sqlx::any::AnyQueryResult, sqlx::any::AnyRow>, sqlx::Error>,
    >
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        match self {
            Conn::Tx(tx, _) => (&mut **tx).fetch_many(query),
            Conn::Lite(tx) => tx.fetch_many(query),
            Conn::Pooled(c) => (&mut **c).fetch_many(query),
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::future::BoxFuture<'e, Result<Option<sqlx::any::AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        match self {
            Conn::Tx(tx, _) => (&mut **tx).fetch_optional(query),
            Conn::Lite(tx) => tx.fetch_optional(query),
            Conn::Pooled(c) => (&mut **c).fetch_optional(query),
        }
    }

    fn prepare_with<'e>(
        self,
        sql: sqlx::SqlStr,
        parameters: &'e [sqlx::any::AnyTypeInfo],
    ) -> futures_util::future::BoxFuture<'e, Result<sqlx::any::AnyStatement, sqlx::Error>>
    where
        'c: 'e,
    {
        match self {
            Conn::Tx(tx, _) => (&mut **tx).prepare_with(sql, parameters),
            Conn::Lite(_) => Box::pin(async {
                Err(sqlx::Error::Protocol(
                    "statements are not prepared ahead on the SQLite write connection".into(),
                ))
            }),
            Conn::Pooled(c) => (&mut **c).prepare_with(sql, parameters),
        }
    }

    fn describe<'e>(
        self,
        sql: sqlx::SqlStr,
    ) -> futures_util::future::BoxFuture<
        'e,
        Result<sqlx_core::describe::Describe<sqlx::Any>, sqlx::Error>,
    >
    where
        'c: 'e,
    {
        match self {
            Conn::Tx(tx, _) => (&mut **tx).describe(sql),
            Conn::Lite(_) => Box::pin(async {
                Err(sqlx::Error::Protocol(
                    "statements are not described on the SQLite write connection".into(),
                ))
            }),
            Conn::Pooled(c) => (&mut **c).describe(sql),
        }
    }
}

pub fn is_sqlite_pool(db: &Db) -> bool {
    db.connect_options()
        .database_url
        .scheme()
        .starts_with("sqlite")
}

/// Whether a failed statement may simply be tried again: a PostgreSQL deadlock (40P01) or
/// serialization failure (40001), or SQLite's busy/locked after its timeout.
pub fn is_retryable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            matches!(
                d.code().as_deref(),
                Some("40P01" | "40001" | "5" | "6" | "517")
            ) || d.message().contains("database is locked")
        }
        _ => false,
    }
}

/// How many times [`retrying`] runs a transaction that lost a deadlock or a serialization race.
pub const RETRIES: usize = 5;

/// Runs the transaction `f` makes, again (up to [`RETRIES`] times, with a short randomised
/// pause) when it fails with an error [`is_retryable`] says is transient.
pub async fn retrying<T, E, F, Fut>(mut f: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    E: AsRetryable,
{
    let mut tries = 0;
    loop {
        match f().await {
            Err(e) if tries + 1 < RETRIES && e.retryable() => {
                tries += 1;
                let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % 20;
                tokio::time::sleep(Duration::from_millis(5 * tries as u64 + jitter)).await;
            }
            other => return other,
        }
    }
}

/// Errors that may carry a transient database failure.
pub trait AsRetryable {
    fn retryable(&self) -> bool;
}

impl AsRetryable for sqlx::Error {
    fn retryable(&self) -> bool {
        is_retryable(self)
    }
}

/// Runs `fut` to completion in its own task: dropping the caller (a client that went away, a
/// timeout) no longer cancels it half-way. Use it around transactions. It runs in the caller's
/// span, so what it logs still names the request (its id) and the node.
pub async fn detached<T: Send + 'static>(
    fut: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    use tracing::Instrument;
    match tokio::spawn(fut.in_current_span()).await {
        Ok(v) => v,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("detached task cancelled: {e}"),
    }
}

/// A new UUIDv7 as text: time-ordered ids keep B-tree inserts local.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Ids arrive from URLs and bodies; anything that is not a UUID is simply not found.
pub fn looks_like_id(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

/// Keyset pages of an append-only ledger, newest first: where the page after `cursor` starts
/// (`"<at ms>:<row id>"` of the last row shown; no cursor: the newest). `None`: the cursor is
/// not one we gave out.
pub fn ledger_page_start(cursor: Option<&str>) -> Option<(i64, &str)> {
    match cursor {
        None => Some((i64::MAX, "")),
        Some(c) => c
            .split_once(':')
            .and_then(|(at, id)| Some((at.parse::<i64>().ok()?, id)))
            .filter(|(_, id)| looks_like_id(id)),
    }
}

/// The cursor of the page after `rows` (fetched `limit + 1`, so one more row means more pages):
/// the `(at, id)` of the last row shown.
pub fn ledger_next_cursor<T>(
    rows: &[T],
    limit: i64,
    key: impl Fn(&T) -> (i64, &str),
) -> Option<String> {
    (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1))
        .flatten()
        .map(|r| {
            let (at, id) = key(r);
            format!("{at}:{id}")
        })
}

/// The pool as an sqlx `Executor` for writes, each statement committing by itself: on an
/// SQLite file each one is a write transaction in line with the other writers (as
/// [`writer`]); elsewhere it goes to the pool. For store functions that take any executor and
/// are called outside a transaction: `log_event(db::autocommit(&state.db), …)`.
pub fn autocommit(db: &Db) -> Autocommit<'_> {
    Autocommit(db)
}

/// See [`autocommit`].
#[derive(Debug, Clone, Copy)]
pub struct Autocommit<'a>(&'a Db);

impl<'c> sqlx::Executor<'c> for Autocommit<'c> {
    type Database = sqlx::Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::stream::BoxStream<
        'e,
        Result<sqlx::Either<sqlx::any::AnyQueryResult, sqlx::any::AnyRow>, sqlx::Error>,
    >
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        use futures_util::{StreamExt, TryStreamExt};
        let db = self.0;
        if !is_sqlite_pool(db) {
            return db.fetch_many(query);
        }
        futures_util::stream::once(async move {
            let mut w = writer(db).await?;
            let steps: Vec<_> = (&mut w).fetch_many(query).try_collect().await?;
            w.commit().await?;
            Ok::<_, sqlx::Error>(futures_util::stream::iter(steps.into_iter().map(Ok)))
        })
        .try_flatten()
        .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::future::BoxFuture<'e, Result<Option<sqlx::any::AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        let db = self.0;
        if !is_sqlite_pool(db) {
            return db.fetch_optional(query);
        }
        Box::pin(async move {
            let mut w = writer(db).await?;
            let row = (&mut w).fetch_optional(query).await?;
            w.commit().await?;
            Ok(row)
        })
    }

    fn prepare_with<'e>(
        self,
        sql: sqlx::SqlStr,
        parameters: &'e [sqlx::any::AnyTypeInfo],
    ) -> futures_util::future::BoxFuture<'e, Result<sqlx::any::AnyStatement, sqlx::Error>>
    where
        'c: 'e,
    {
        self.0.prepare_with(sql, parameters)
    }

    fn describe<'e>(
        self,
        sql: sqlx::SqlStr,
    ) -> futures_util::future::BoxFuture<
        'e,
        Result<sqlx_core::describe::Describe<sqlx::Any>, sqlx::Error>,
    >
    where
        'c: 'e,
    {
        self.0.describe(sql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_where_the_keys_are_ours() {
        let json = r#"{"at":1767603600000,"t":"\"at\":1,{\"at\":2","placed_at":-1500,"x":[{"at":null},{"at":1767603600120}],"what":5,"received_at":1}"#;
        assert_eq!(
            rfc3339_times(json, &["at", "placed_at", "received_at"]),
            r#"{"at":"2026-01-05T09:00:00Z","t":"\"at\":1,{\"at\":2","placed_at":"1969-12-31T23:59:58.5Z","x":[{"at":null},{"at":"2026-01-05T09:00:00.12Z"}],"what":5,"received_at":"1970-01-01T00:00:00.001Z"}"#
        );
        assert_eq!(rfc3339_times("[]", &["at"]), "[]");
        assert_eq!(rfc3339_times(r#"{"what":1}"#, &["at"]), r#"{"what":1}"#);
    }

    #[test]
    fn sqlite_url_gets_create_mode() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/a/b.db", dir.path().display());
        let got = prepare_sqlite_url(&url).unwrap();
        assert!(got.ends_with("/a/b.db?mode=rwc"), "{got}");
        assert!(dir.path().join("a").is_dir());
    }
}
