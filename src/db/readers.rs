//! Read-only SQLite connections for the hottest reads — the session of every signed-in request,
//! the API's pages of orders and purchases — used directly on the calling thread. Through sqlx
//! every query crosses to the connection's worker thread and back, which costs several times
//! the indexed session lookup itself and a fifth of an order page; here there are no thread
//! switches. In WAL mode a reader sees every committed write and never waits for the writer, so
//! nothing read here can be staler than what sqlx would have read.
//!
//! A read holds its async worker thread while it runs: only bounded reads belong here (one row
//! by key, one page of one customer's rows by an index), never scans that grow with the shop.

use std::path::PathBuf;
use std::sync::Mutex;

/// Idle connections kept for reuse (more are opened when more threads read at once).
const MAX_IDLE: usize = 16;

pub struct SqliteReaders {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl SqliteReaders {
    /// Readers of the SQLite file behind `url`; `None` for PostgreSQL and in-memory databases
    /// (which other connections cannot open).
    pub fn for_url(url: &str) -> Option<Self> {
        if !super::is_sqlite(url) {
            return None;
        }
        let rest = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        let path = rest.split_once('?').map_or(rest, |(p, _)| p);
        if path.is_empty() || path.contains(":memory:") {
            return None;
        }
        Some(Self {
            path: PathBuf::from(path),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Runs `f` on an idle read-only connection (opened on first need). Statements should be
    /// `prepare_cached`, so each connection parses them once.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => self.open()?,
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        out
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_files_get_readers() {
        assert!(SqliteReaders::for_url("postgres://u@h/db").is_none());
        assert!(SqliteReaders::for_url("sqlite::memory:").is_none());
        assert!(SqliteReaders::for_url("sqlite://:memory:").is_none());
        let r = SqliteReaders::for_url("sqlite://data/k.db?mode=rwc").expect("a file");
        assert_eq!(r.path, PathBuf::from("data/k.db"));
    }

    #[test]
    fn a_reader_sees_what_was_committed_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let w = rusqlite::Connection::open(&path).unwrap();
        w.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);",
        )
        .unwrap();
        let readers = SqliteReaders::for_url(&format!("sqlite://{}", path.display())).unwrap();
        let read = || {
            readers.read(|c| {
                c.prepare_cached("SELECT v FROM t")?
                    .query_row([], |r| r.get::<_, i64>(0))
            })
        };
        assert_eq!(read().unwrap(), 1);
        w.execute("UPDATE t SET v = 2", []).unwrap();
        assert_eq!(
            read().unwrap(),
            2,
            "the reused connection reads the new commit"
        );
        assert!(
            readers
                .read(|c| c.execute("UPDATE t SET v = 3", []))
                .is_err(),
            "readers cannot write"
        );
    }
}
