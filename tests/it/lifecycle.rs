//! A node's life behind a load balancer (issue 15): `/readyz`; on SIGTERM it says it is not
//! ready, serves on while the balancer notices, then exits cleanly; and it refuses a database
//! that a newer version has migrated.

use crate::support::server::Server;
use crate::support::*;

async fn status(client: &reqwest::Client, url: String) -> Option<(u16, String)> {
    let r = client.get(url).send().await.ok()?;
    let code = r.status().as_u16();
    Some((code, r.text().await.ok()?))
}

#[tokio::test]
async fn a_node_told_to_stop_says_not_ready_serves_while_draining_then_exits_cleanly() {
    let (url, _dir) = fresh_database().await;
    let mut server = Server::start(&url, &[("KABINET_DRAIN_SECS", "5")]).await;
    let client = client();
    let at = |path: &str| format!("{}{path}", server.base);
    assert_eq!(
        status(&client, at("/readyz")).await,
        Some((200, "ready".to_owned()))
    );

    server.terminate();
    // Not ready at once (polled: the signal arrives asynchronously)…
    let mut seen = None;
    for _ in 0..100 {
        seen = status(&client, at("/readyz")).await;
        if seen.as_ref().is_some_and(|(code, _)| *code == 503) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(seen, Some((503, "draining".to_owned())));
    // …while everything else is still served, on new connections too.
    let fresh = reqwest::Client::new();
    let (code, _) = status(&fresh, at("/api/v1/products?limit=1"))
        .await
        .expect("still listening while draining");
    assert_eq!(code, 200);
    assert_eq!(
        status(&fresh, at("/healthz")).await,
        Some((200, "ok".to_owned()))
    );

    // Then it exits by itself, successfully.
    let mut exited = None;
    for _ in 0..300 {
        exited = server.child.try_wait().expect("wait");
        if exited.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let exited = exited.expect("the node exits after draining");
    assert!(exited.success(), "{exited:?}");
    assert!(status(&fresh, at("/healthz")).await.is_none(), "gone");
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_version_is_refused_in_plain_words() {
    let app = spawn_app().await;
    assert_eq!(
        app.get(&format!("{}/readyz", app.base), None)
            .await
            .expect(200)
            .text,
        "ready",
        "the test node itself is ready"
    );
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(99_999_i64)
    .bind("from a newer version")
    .bind(true)
    .bind(vec![0_u8; 48])
    .bind(0_i64)
    .execute(kabinet::db::autocommit(&app.state.db))
    .await
    .unwrap();
    let mut config = app.state.config.clone();
    config.addr = "127.0.0.1:0".into();
    let err = match kabinet::app::Application::build(config).await {
        Ok(_) => panic!("a node started on a database from a newer version"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        err.contains("migrated by a newer version of Kabinet (migration 99999"),
        "{err}"
    );
}

/// What in a migration would break the nodes of the previous release still serving on the
/// database during a rolling upgrade: dropping or renaming tables and columns, making a column
/// required, changing its type. (Dropping an index only slows them down.)
fn contract_statements(sql: &str) -> Vec<String> {
    let upper = sql.to_uppercase();
    let statements = upper.split(';').map(|s| {
        s.lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join(" ")
    });
    statements
        .filter(|s| {
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            s.contains("DROP TABLE")
                || s.contains("DROP COLUMN")
                || s.contains("DROP VIEW")
                || s.contains("RENAME")
                || s.contains("SET NOT NULL")
                || (s.contains("ALTER COLUMN") && s.contains(" TYPE "))
                || (s.contains("ADD COLUMN") && s.contains("NOT NULL") && !s.contains("DEFAULT"))
        })
        .map(|s| s.trim().to_owned())
        .collect()
}

/// Expand, then contract (README «Readiness, stopping, backups»): from migration 0031 on, a
/// migration only adds, unless it is a contract migration of its own
/// (`NNNN_contract_<what>.sql`), released after every node stopped using what it removes.
#[test]
fn migrations_after_0030_only_expand_unless_named_contract() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let number: u32 = name[..4].parse().expect("NNNN_ prefix");
        let sql = std::fs::read_to_string(&path).unwrap();
        let found = contract_statements(&sql);
        if number == 10 {
            // The checker itself: 0010 (from before the rule) dropped two tables.
            assert_eq!(found.len(), 2, "{found:?}");
        }
        if number > 30 && !name.contains("_contract_") {
            assert!(found.is_empty(), "{name} contracts the schema: {found:?}");
        }
        checked += 1;
    }
    assert!(checked >= 28, "{checked} migrations read");
    assert!(contract_statements("ALTER TABLE orders ALTER COLUMN note TYPE BIGINT;").len() == 1);
    assert!(contract_statements("ALTER TABLE t RENAME COLUMN a TO b").len() == 1);
    assert!(contract_statements("ALTER TABLE t ADD COLUMN a TEXT NOT NULL").len() == 1);
    assert!(
        contract_statements(
            "ALTER TABLE t ADD COLUMN a TEXT; ALTER TABLE t ADD COLUMN b INT NOT NULL DEFAULT 0; \
             DROP INDEX x;"
        )
        .is_empty()
    );
}

/// The request id a client sends is echoed and logged only when it is one plain token; any
/// other (spaces, `=`, quotes, too long) is replaced by a new one, so it cannot forge log fields.
#[tokio::test]
async fn a_plain_request_id_is_kept_and_any_other_is_replaced() {
    let app = spawn_app().await;
    let id_for = |sent: &'static str| {
        let (client, base) = (app.client.clone(), app.base.clone());
        async move {
            let r = client
                .get(format!("{base}/healthz"))
                .header("x-request-id", sent)
                .send()
                .await
                .unwrap();
            r.headers()["x-request-id"].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(id_for("order-42.retry_1").await, "order-42.retry_1");
    // The benchmark's ids (bench/b6_signin.lua) name a step, a phone and a flow.
    assert_eq!(
        id_for("o+79161234567:0193a2b4-5c6d").await,
        "o+79161234567:0193a2b4-5c6d"
    );
    for forged in ["abc level=ERROR message=\"paid\"", "a\"b", "x", ""] {
        let got = id_for(forged).await;
        if forged == "x" {
            assert_eq!(got, "x", "one character is a plain token");
            continue;
        }
        assert_ne!(got, forged);
        assert!(uuid::Uuid::parse_str(&got).is_ok(), "{got}");
    }
    let long: &'static str = "a".repeat(65).leak();
    assert!(uuid::Uuid::parse_str(&id_for(long).await).is_ok());
}
