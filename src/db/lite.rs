//! SQLite's write transactions on one rusqlite connection per database file, run on the
//! calling thread, committed in groups.
//!
//! Through sqlx every statement crosses to the connection's worker thread and back. A write
//! transaction holds SQLite's one write lock across all those trips, so under load the lock
//! was held mostly by tasks waiting for a thread to run them: a code sign-in's two
//! transactions held it for ~1.7 ms, which capped the whole node at ~600 sign-ins/s on one
//! core. Here a transaction's statements run where its task runs, one after another.
//!
//! The connection is the database's write turn ([`take_turn`]): this process's writers queue
//! for it in order instead of polling in SQLite's busy handler (which sleeps 1, 2, 5, … up to
//! 100 ms between tries, so under load writers slept while the lock was free).
//!
//! Group commit: each transaction runs inside a savepoint of one SQLite transaction. When it
//! ends while other writers are queued for the turn, its savepoint is released but the
//! COMMIT is left to the last of them: every COMMIT writes each page it changed to the WAL,
//! and one sign-in's transactions each rewrote the same hot index pages (~190 µs a commit).
//! A caller's `commit()` still returns only once its writes are committed (or fails with the
//! group's COMMIT), so nothing is answered before it is stored. A transaction that fails or
//! is abandoned rolls back to its savepoint and takes nobody else's writes with it.
//!
//! [`LiteTx`] speaks sqlx's `Any` types (arguments in, `AnyRow`s out), so the stores' queries
//! run unchanged on either backend; see [`super::Conn`].

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};
use sqlx::any::{AnyQueryResult, AnyRow, AnyTypeInfo, AnyTypeInfoKind, AnyValue};
use sqlx::{Any, Either, Execute};
use sqlx_core::any::{AnyColumn, AnyValueKind};
use sqlx_core::ext::ustr::UStr;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{OwnedMutexGuard, oneshot};

/// How long a writer waits for its turn: the pool's SQLite busy timeout. Then it fails as
/// SQLite does (`database is locked`, which [`super::retrying`] tries again).
pub const TURN_WAIT: Duration = Duration::from_secs(10);

/// At most this many transactions share one COMMIT.
const MAX_GROUP: usize = 64;

/// How long a transaction whose COMMIT was left to a later writer waits before it takes the
/// turn back and commits itself (that writer may have given up waiting).
const GROUP_WAIT: Duration = Duration::from_millis(20);

/// One SQLite database's write turn: its write connection and who waits for it.
#[derive(Default)]
struct Turn {
    writer: Arc<tokio::sync::Mutex<Writer>>,
    /// Writers queued for the turn: while there are some, a COMMIT can wait for them.
    waiting: AtomicUsize,
}

/// The write connection (`None` for in-memory databases, which only sqlx's own connections
/// can reach) and the SQLite transaction left open for a group.
#[derive(Default)]
pub struct Writer {
    conn: Option<rusqlite::Connection>,
    /// A transaction is open: it holds the released savepoints of `group`.
    open: bool,
    /// Writers whose `commit()` waits for the group's COMMIT.
    group: Vec<oneshot::Sender<Result<(), LiteError>>>,
}

impl Writer {
    /// COMMITs the open transaction (if any) and tells the group how it went.
    fn commit_group(&mut self) -> Result<(), LiteError> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        let Some(conn) = self.conn.as_mut() else {
            return Ok(());
        };
        let done = conn.execute_batch("COMMIT").map_err(|e| LiteError::of(&e));
        if done.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for waiter in self.group.drain(..) {
            let _ = waiter.send(done.clone());
        }
        done
    }

    /// The open transaction ended without us (SQLite rolls a whole transaction back on some
    /// errors): the group's writes are gone, and it is told so.
    fn check_still_open(&mut self) {
        if self.open && self.conn.as_ref().is_some_and(|c| c.is_autocommit()) {
            self.open = false;
            let lost = LiteError {
                code: rusqlite::ffi::SQLITE_ABORT,
                message: "the group's transaction was rolled back".into(),
            };
            for waiter in self.group.drain(..) {
                let _ = waiter.send(Err(lost.clone()));
            }
        }
    }
}

/// This process's turn to write to one SQLite database, held for a transaction.
pub struct TurnGuard {
    writer: OwnedMutexGuard<Writer>,
    turn: Arc<Turn>,
}

impl TurnGuard {
    /// Opens the write connection of the file behind `url` if it is not open yet. False for
    /// in-memory databases (the caller writes through sqlx, holding the turn).
    pub fn connect(&mut self, url: &str) -> Result<bool, sqlx::Error> {
        if self.writer.conn.is_none() {
            self.writer.conn = open(url).map_err(error)?;
        }
        Ok(self.writer.conn.is_some())
    }

    /// Ends the turn. The open transaction is committed now unless other writers wait for
    /// the turn (then the last of them commits for everybody).
    fn end(mut self) {
        self.writer.check_still_open();
        if !self.others_wait()
            && let Err(e) = self.writer.commit_group()
        {
            tracing::error!(error = %e, "committing a group of SQLite writes failed");
        }
    }

    /// COMMITs the group a previous writer left open, so that a connection other than the
    /// write connection can write while this turn is held (migrations).
    pub fn commit_open_group(&mut self) -> Result<(), sqlx::Error> {
        self.writer.check_still_open();
        self.writer.commit_group().map_err(Into::into)
    }

    fn others_wait(&self) -> bool {
        self.turn.waiting.load(Ordering::Acquire) > 0 && self.writer.group.len() < MAX_GROUP
    }
}

/// Takes the write turn of the SQLite database behind `url`, waiting in order.
pub async fn take_turn(url: &str) -> Result<TurnGuard, sqlx::Error> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    // One turn per database (tests run many databases in one process).
    static TURNS: LazyLock<Mutex<HashMap<String, Arc<Turn>>>> = LazyLock::new(Default::default);
    let turn = {
        let mut turns = TURNS.lock().unwrap_or_else(|e| e.into_inner());
        turns.entry(url.to_owned()).or_default().clone()
    };
    // Counted while queued, also when the wait is given up.
    struct Queued<'a>(&'a AtomicUsize);
    impl Drop for Queued<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::AcqRel);
        }
    }
    let writer = {
        turn.waiting.fetch_add(1, Ordering::AcqRel);
        let _queued = Queued(&turn.waiting);
        tokio::time::timeout(TURN_WAIT, turn.writer.clone().lock_owned()).await
    };
    match writer {
        Ok(writer) => Ok(TurnGuard { writer, turn }),
        Err(_) => Err(error(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked (waited for the write turn)".into()),
        ))),
    }
}

/// Opens the write connection of the file behind `url` with the pool's pragmas; `Ok(None)`
/// for in-memory databases.
pub fn open(url: &str) -> rusqlite::Result<Option<rusqlite::Connection>> {
    let Some(path) = file_of(url) else {
        return Ok(None);
    };
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // `checkpoints` copies the WAL back beside the write turn. SQLite's own checkpoint on
    // COMMIT stays on: it then finds (almost) nothing left to copy, and only a checkpoint
    // that caught up lets the next writer start the WAL over — without it the WAL grew
    // without bound under a steady stream of writers (0.45 GB in a 6 s B6 run).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )?;
    conn.set_prepared_statement_cache_capacity(256);
    let checkpointer = rusqlite::Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoints".into())
        .spawn(move || checkpoints(checkpointer, path));
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no checkpoint thread: SQLite checkpoints on commit only");
    }
    Ok(Some(conn))
}

/// How often WAL frames are copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Copies committed WAL frames into the database file every [`CHECKPOINT_EVERY`], on a
/// connection of its own, until the file is gone. A checkpoint copies pages and syncs the
/// file; when SQLite's checkpoint on COMMIT did all of it, the writer holding the turn did,
/// and every writer waited. A passive checkpoint takes no write lock: writers go on meanwhile.
fn checkpoints(conn: rusqlite::Connection, path: PathBuf) {
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        if !path.exists() {
            return;
        }
        let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
        if let Err(e) = done {
            tracing::warn!(error = %e, "SQLite checkpoint failed");
        }
    }
}

/// The file of an SQLite URL; `None` for in-memory databases.
pub fn file_of(url: &str) -> Option<PathBuf> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    (!path.is_empty() && !path.contains(":memory:") && !url.contains("mode=memory"))
        .then(|| PathBuf::from(path))
}

/// A write transaction: a savepoint in the SQLite transaction (`BEGIN IMMEDIATE`) of the write
/// connection, which it holds (and with it the write turn) until it ends. Dropped unfinished,
/// it rolls back to its savepoint.
pub struct LiteTx {
    turn: Option<TurnGuard>,
    /// Its savepoint is open.
    open: bool,
}

impl LiteTx {
    /// Begins on the write connection of `turn` (which must have one: [`TurnGuard::connect`]).
    pub fn begin(mut turn: TurnGuard) -> Result<Self, sqlx::Error> {
        turn.writer.check_still_open();
        let w = &mut *turn.writer;
        let conn = w
            .conn
            .as_mut()
            .ok_or_else(|| sqlx::Error::Protocol("no SQLite write connection".into()))?;
        if !w.open {
            conn.execute_batch("BEGIN IMMEDIATE").map_err(error)?;
            w.open = true;
        }
        conn.prepare_cached("SAVEPOINT lite")
            .and_then(|mut s| s.execute([]))
            .map_err(error)?;
        Ok(Self {
            turn: Some(turn),
            open: true,
        })
    }

    fn conn(&mut self) -> Result<&mut rusqlite::Connection, sqlx::Error> {
        self.turn
            .as_mut()
            .and_then(|t| t.writer.conn.as_mut())
            .ok_or_else(|| sqlx::Error::Protocol("no SQLite write connection".into()))
    }

    /// Releases the savepoint and returns once the writes are committed: now, or with the
    /// group of the writers queued behind (see the module's comment).
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        self.conn()?
            .prepare_cached("RELEASE lite")
            .and_then(|mut s| s.execute([]))
            .map_err(error)?;
        self.open = false;
        let Some(mut turn) = self.turn.take() else {
            return Err(sqlx::Error::Protocol(
                "the write turn was already given back".into(),
            ));
        };
        turn.writer.check_still_open();
        if !turn.writer.open {
            return Err(LiteError {
                code: rusqlite::ffi::SQLITE_ABORT,
                message: "the transaction was rolled back".into(),
            }
            .into());
        }
        if !turn.others_wait() {
            return turn.writer.commit_group().map_err(Into::into);
        }
        let (done, mut committed) = oneshot::channel();
        turn.writer.group.push(done);
        let waited_for = turn.turn.clone();
        drop(turn);
        loop {
            match tokio::time::timeout(GROUP_WAIT, &mut committed).await {
                Ok(Ok(result)) => return result.map_err(Into::into),
                Ok(Err(_)) => {
                    return Err(sqlx::Error::Protocol("a group commit was dropped".into()));
                }
                // Nobody has committed yet: take the turn back and commit the group.
                Err(_) => {
                    let mut writer = waited_for.writer.clone().lock_owned().await;
                    writer.check_still_open();
                    if let Err(e) = writer.commit_group() {
                        tracing::error!(error = %e, "committing a group of SQLite writes failed");
                    }
                }
            }
        }
    }

    pub fn rollback(mut self) -> Result<(), sqlx::Error> {
        self.roll_back()
    }

    /// Back to the savepoint; the turn ends (see [`TurnGuard::end`]).
    fn roll_back(&mut self) -> Result<(), sqlx::Error> {
        let mut result = Ok(());
        if self.open {
            self.open = false;
            if let Ok(conn) = self.conn()
                && !conn.is_autocommit()
            {
                result = conn
                    .execute_batch("ROLLBACK TO lite; RELEASE lite")
                    .map_err(error);
            }
        }
        if let Some(turn) = self.turn.take() {
            turn.end();
        }
        result
    }

    /// Runs one statement: its rows, then what it changed.
    fn run<'q>(
        &mut self,
        mut query: impl Execute<'q, Any>,
        first_row_only: bool,
    ) -> Result<Vec<Either<AnyQueryResult, AnyRow>>, sqlx::Error> {
        let args = query.take_arguments().map_err(sqlx::Error::Encode)?;
        let values = args.map(|a| a.values.0).unwrap_or_default();
        let sql = query.sql();
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(sql.as_str()).map_err(error)?;
        for i in 1..=stmt.parameter_count() {
            // `$n` (and `?n`) name the n-th argument; a bare `?` is the next one.
            let n = stmt
                .parameter_name(i)
                .and_then(|name| name.get(1..)?.parse::<usize>().ok())
                .unwrap_or(i);
            let value = values.get(n - 1).ok_or_else(|| {
                sqlx::Error::Protocol(format!("no argument ${n} for `{}`", sql.as_str()))
            })?;
            stmt.raw_bind_parameter(i, to_sql(value)?).map_err(error)?;
        }
        let names: Arc<sqlx_core::HashMap<UStr, usize>> = Arc::new(
            stmt.column_names()
                .iter()
                .enumerate()
                .map(|(i, n)| (UStr::new(n), i))
                .collect(),
        );
        let columns: Vec<AnyColumn> = stmt
            .column_names()
            .iter()
            .enumerate()
            .map(|(ordinal, n)| AnyColumn {
                ordinal,
                name: UStr::new(n),
                type_info: AnyTypeInfo {
                    kind: AnyTypeInfoKind::Null,
                },
            })
            .collect();
        let readonly = stmt.readonly();
        let mut out = Vec::new();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(error)? {
            let mut values = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                values.push(AnyValue {
                    kind: from_sql(row.get_ref(i).map_err(error)?)?,
                });
            }
            out.push(Either::Right(AnyRow {
                column_names: names.clone(),
                columns: columns.clone(),
                values,
            }));
            if first_row_only {
                break;
            }
        }
        drop(rows);
        let rows_affected = if readonly { 0 } else { conn.changes() };
        out.push(Either::Left(AnyQueryResult {
            rows_affected,
            last_insert_id: None,
        }));
        Ok(out)
    }

    pub fn fetch_many<'e, 'q: 'e>(
        &'e mut self,
        query: impl Execute<'q, Any> + 'q,
    ) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>> {
        match self.run(query, false) {
            Ok(steps) => futures_util::stream::iter(steps.into_iter().map(Ok)).boxed(),
            Err(e) => futures_util::stream::once(async { Err(e) }).boxed(),
        }
    }

    pub fn fetch_optional<'e, 'q: 'e>(
        &'e mut self,
        query: impl Execute<'q, Any> + 'q,
    ) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>> {
        let row = self.run(query, true).map(|steps| {
            steps.into_iter().find_map(|s| match s {
                Either::Right(row) => Some(row),
                Either::Left(_) => None,
            })
        });
        futures_util::future::ready(row).boxed()
    }
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        if let Err(e) = self.roll_back() {
            tracing::error!(error = %e, "rolling back an abandoned SQLite write failed");
        }
    }
}

impl std::fmt::Debug for LiteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiteTx").field("open", &self.open).finish()
    }
}

fn to_sql(v: &AnyValueKind) -> Result<rusqlite::types::Value, sqlx::Error> {
    use rusqlite::types::Value;
    Ok(match v {
        AnyValueKind::Null(_) => Value::Null,
        AnyValueKind::Bool(b) => Value::Integer(i64::from(*b)),
        AnyValueKind::SmallInt(i) => Value::Integer(i64::from(*i)),
        AnyValueKind::Integer(i) => Value::Integer(i64::from(*i)),
        AnyValueKind::BigInt(i) => Value::Integer(*i),
        AnyValueKind::Real(r) => Value::Real(f64::from(*r)),
        AnyValueKind::Double(d) => Value::Real(*d),
        AnyValueKind::Text(t) => Value::Text(t.to_string()),
        AnyValueKind::TextSlice(t) => Value::Text(t.to_string()),
        AnyValueKind::Blob(b) => Value::Blob(b.to_vec()),
        other => {
            return Err(sqlx::Error::Protocol(format!(
                "an argument SQLite cannot take: {other:?}"
            )));
        }
    })
}

/// As sqlx's SQLite driver hands values to `Any`: by the value's own type.
fn from_sql(v: rusqlite::types::ValueRef<'_>) -> Result<AnyValueKind, sqlx::Error> {
    use rusqlite::types::ValueRef;
    Ok(match v {
        ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
        ValueRef::Integer(i) => AnyValueKind::BigInt(i),
        ValueRef::Real(r) => AnyValueKind::Double(r),
        ValueRef::Text(t) => AnyValueKind::Text(Arc::new(
            std::str::from_utf8(t)
                .map_err(|e| sqlx::Error::Decode(e.into()))?
                .to_owned(),
        )),
        ValueRef::Blob(b) => AnyValueKind::Blob(Arc::new(b.to_vec())),
    })
}

/// rusqlite's errors as sqlx's SQLite driver reports them: a database error carries the
/// extended result code (so [`super::is_retryable`] and unique-violation checks still work).
pub fn error(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(..) => LiteError::of(&e).into(),
        other => sqlx::Error::Protocol(format!("sqlite: {other}")),
    }
}

#[derive(Debug, Clone)]
pub struct LiteError {
    code: i32,
    message: String,
}

impl LiteError {
    fn of(e: &rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::SqliteFailure(f, message) => Self {
                code: f.extended_code,
                message: message.clone().unwrap_or_else(|| f.to_string()),
            },
            other => Self {
                code: rusqlite::ffi::SQLITE_ERROR,
                message: other.to_string(),
            },
        }
    }
}

impl std::fmt::Display for LiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for LiteError {}

impl sqlx::error::DatabaseError for LiteError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(self.code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::db::{begin_write, connect};

    async fn database() -> (tempfile::TempDir, crate::db::Db, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let db = connect(&format!("sqlite://{}", path.display()), 4)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .execute(crate::db::autocommit(&db))
            .await
            .unwrap();
        (dir, db, path)
    }

    fn stored(path: &std::path::Path, id: i64) -> bool {
        let c = rusqlite::Connection::open(path).unwrap();
        c.query_row("SELECT count(*) FROM t WHERE id = ?1", [id], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            == 1
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_commit_is_stored_before_it_returns_even_in_a_group() {
        let (_dir, db, path) = database().await;
        let tasks: Vec<_> = (0..100_i64)
            .map(|id| {
                let (db, path) = (db.clone(), path.clone());
                tokio::spawn(async move {
                    let mut tx = begin_write(&db).await.unwrap();
                    sqlx::query("INSERT INTO t (id, v) VALUES ($1, $2)")
                        .bind(id)
                        .bind(format!("row {id}"))
                        .execute(&mut tx)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    // Another connection sees it the moment commit() returns.
                    assert!(
                        stored(&path, id),
                        "row {id} not committed when commit returned"
                    );
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(n, 100);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_pool_only_reads_and_autocommit_writes_take_their_turn() {
        let (_dir, db, path) = database().await;
        // Straight through the pool a write is refused: it would poll SQLite's busy handler
        // against the group transaction, which under load is nearly always open.
        let refused = sqlx::query("INSERT INTO t (id, v) VALUES (0, 'pool')")
            .execute(&db)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("readonly"), "{refused}");
        // While a transaction holds the turn, 100 autocommit writes queue behind it; all land,
        // each stored when it returns.
        let mut held = begin_write(&db).await.unwrap();
        sqlx::query("INSERT INTO t (id, v) VALUES (1, 'held')")
            .execute(&mut held)
            .await
            .unwrap();
        let tasks: Vec<_> = (2..102_i64)
            .map(|id| {
                let (db, path) = (db.clone(), path.clone());
                tokio::spawn(async move {
                    sqlx::query("INSERT INTO t (id, v) VALUES ($1, 'alone')")
                        .bind(id)
                        .execute(crate::db::autocommit(&db))
                        .await
                        .unwrap();
                    assert!(stored(&path, id), "row {id} not committed when it returned");
                })
            })
            .collect();
        held.commit().await.unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(n, 101);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_or_abandoned_transaction_takes_nobody_elses_writes() {
        let (_dir, db, path) = database().await;
        sqlx::query("INSERT INTO t (id, v) VALUES (1000, 'taken')")
            .execute(crate::db::autocommit(&db))
            .await
            .unwrap();
        let tasks: Vec<_> = (0..120_i64)
            .map(|id| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut tx = begin_write(&db).await.unwrap();
                    sqlx::query("INSERT INTO t (id, v) VALUES ($1, 'mine')")
                        .bind(id)
                        .execute(&mut tx)
                        .await
                        .unwrap();
                    match id % 3 {
                        // Kept.
                        0 => tx.commit().await.map(|_| true),
                        // A statement fails (the id is taken): the caller gives up.
                        1 => {
                            let dup = sqlx::query("INSERT INTO t (id, v) VALUES (1000, 'x')")
                                .execute(&mut tx)
                                .await;
                            assert!(dup.is_err());
                            drop(tx);
                            Ok(false)
                        }
                        // Rolled back on purpose.
                        _ => tx.rollback().await.map(|_| false),
                    }
                })
            })
            .collect();
        for (id, t) in tasks.into_iter().enumerate() {
            let kept = t.await.unwrap().unwrap();
            assert_eq!(kept, id % 3 == 0);
        }
        for id in 0..120 {
            assert_eq!(stored(&path, id), id % 3 == 0, "row {id}");
        }
        assert!(stored(&path, 1000));
    }
}
