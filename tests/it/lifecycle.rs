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
