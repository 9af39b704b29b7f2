//! `kabinet backup FILE` (issue 15): a copy of a SQLite database taken by the real binary while
//! the server signs customers in, 100 at a time. The copy is whole (integrity check), holds
//! every sign-in finished before it began and never half of one, and a server started on it
//! knows the customers and their sessions. On PostgreSQL the command refuses and points to
//! pg_dump.

use crate::support::*;
use std::process::Command;

fn backup(database_url: &str, file: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .args(["backup", file.to_str().expect("a UTF-8 path")])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KABINET_DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .output()
        .expect("kabinet runs")
}

#[tokio::test]
async fn a_backup_taken_under_sign_in_load_is_whole_and_a_server_starts_on_it() {
    let app = spawn_app_with(|c| c.limits.ip_per_hour = 1_000_000).await;
    let url = app.state.config.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    if !kabinet::db::is_sqlite(&url) {
        let out = backup(&url, &file);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("pg_dump"), "{err}");
        assert!(!file.exists());
        return;
    }

    // Signed in before the copy: must be in it, with a working session.
    let early = new_phone();
    let (token, _) = app.sign_in(&early).await;
    let customers = |db: kabinet::db::Db| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM customers")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let before = customers(app.state.db.clone()).await;

    // 100 sign-ins at once, each writing its customer and session in one transaction, while
    // the binary copies the database.
    let load = all_at_once(
        (0..100)
            .map(|_| async {
                let (token, _) = app.sign_in(&new_phone()).await;
                app.get("/me", Some(&token)).await
            })
            .collect(),
    );
    let copy = {
        let (url, file) = (url.clone(), file.clone());
        tokio::task::spawn_blocking(move || backup(&url, &file))
    };
    let (answers, out) = tokio::join!(load, copy);
    let out = out.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("backed up "), "{said}");
    assert_eq!(count(&answers, 200, None), 100, "the load was served");
    let after = customers(app.state.db.clone()).await;
    assert_eq!(after, before + 100);

    // The copy: whole, and every customer in it has the session its sign-in wrote with it.
    let copy_url = format!("sqlite://{}", file.display());
    let copy = kabinet::db::connect(&copy_url, 1).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&copy)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let copied = customers(copy.clone()).await;
    assert!(
        (before..=after).contains(&copied),
        "{copied} customers in the copy, {before} before and {after} after it"
    );
    let without_session: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM customers c WHERE NOT EXISTS \
         (SELECT 1 FROM sessions s WHERE s.customer_id = c.id)",
    )
    .fetch_one(&copy)
    .await
    .unwrap();
    assert_eq!(without_session, 0, "no sign-in is in the copy by half");
    copy.close().await;

    // A second copy to the same file is refused: a backup never overwrites.
    let again = backup(&url, &file);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));

    // Restored: a server on the copy knows the early customer's session.
    let restored = spawn_app_with(|c| c.database_url = copy_url.clone()).await;
    let me = restored.get("/me", Some(&token)).await.expect(200).json();
    assert_eq!(me["phone"], early.as_str());
}
