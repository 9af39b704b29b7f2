//! `kabinet backup FILE`: a consistent copy of a SQLite database, taken while it serves.
//! PostgreSQL has its own tools for this (`pg_dump`, base backups with WAL archiving; README).

use std::path::Path;

/// Copies the SQLite file database behind `url` into `dest`, a file that must not exist yet,
/// as one consistent snapshot while other connections (a running server) keep writing.
/// `VACUUM INTO` reads inside a single read transaction, which in WAL mode neither waits for
/// the writer nor holds it up; the WAL cannot start over until the copy ends, so it grows by
/// what is written meanwhile. The copy is a plain, compacted database with every transaction
/// committed before the snapshot began and none after. Returns its size in bytes.
pub fn sqlite(url: &str, dest: &Path) -> anyhow::Result<u64> {
    if !super::is_sqlite(url) {
        anyhow::bail!(
            "`kabinet backup` copies a SQLite database; for PostgreSQL use pg_dump or a base \
             backup with WAL archiving (README: «Readiness, stopping, backups»)"
        );
    }
    let Some(src) = super::lite::file_of(url) else {
        anyhow::bail!("an in-memory database has no file to copy");
    };
    if !src.is_file() {
        anyhow::bail!("{} does not exist", src.display());
    }
    if dest.exists() {
        anyhow::bail!("{} exists: a backup goes to a new file", dest.display());
    }
    let Some(dest_text) = dest.to_str() else {
        anyhow::bail!("the backup path is not UTF-8: {}", dest.display());
    };
    // A read-only connection like the server's hot readers (the same flags and busy wait).
    let readers = super::readers::SqliteReaders::for_url(url)
        .ok_or_else(|| anyhow::anyhow!("no SQLite file behind {url}"))?;
    readers.read(|c| c.execute("VACUUM INTO ?1", [dest_text]))?;
    Ok(std::fs::metadata(dest)?.len())
}
