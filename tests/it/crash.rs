//! A server killed (SIGKILL) in the middle of checkout load loses no approved payment: after a
//! restart every charge the acquirer approved belongs to a paid order, and stock, orders and
//! payment attempts agree. Runs the real `kabinet` binary on the suite's backend.

use crate::support::server::Server;
use crate::support::*;
use serde_json::{Value, json};
use std::process::Command;

const CUSTOMERS: usize = 40;
const STOCK: i64 = 100_000;

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
    key: Option<&str>,
) -> Option<(u16, Value)> {
    let mut req = client.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.ok()?;
    let status = res.status().as_u16();
    Some((status, res.json().await.unwrap_or(Value::Null)))
}

async fn sign_in(client: &reqwest::Client, base: &str) -> String {
    let phone = new_phone();
    let (_, started) = call(
        client,
        reqwest::Method::POST,
        format!("{base}/api/v1/auth/codes"),
        None,
        Some(json!({"channel": "sms", "to": phone})),
        None,
    )
    .await
    .expect("code");
    let (_, outbox) = call(
        client,
        reqwest::Method::GET,
        format!("{base}/api/v1/dev/outbox?to={}", urlencode(&phone)),
        None,
        None,
        None,
    )
    .await
    .expect("outbox");
    let code = outbox["items"][0]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let (_, signed) = call(
        client,
        reqwest::Method::POST,
        format!("{base}/api/v1/auth/codes/verify"),
        None,
        Some(json!({"flow_id": started["flow_id"], "code": code})),
        None,
    )
    .await
    .expect("verify");
    signed["token"].as_str().expect("token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_during_checkouts_loses_no_approved_payment() {
    let (url, _dir) = fresh_database().await;
    let server = Server::start(&url, &[]).await;
    let client = reqwest::Client::new();
    let base = server.base.clone();
    // Two products with plenty of stock, and a pickup point.
    let products = call(
        &client,
        reqwest::Method::GET,
        format!("{base}/api/v1/products?limit=2"),
        None,
        None,
        None,
    )
    .await
    .unwrap()
    .1;
    let ids: Vec<String> = products["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let db = kabinet::db::connect(&url, 2).await.unwrap();
    for id in &ids {
        sqlx::query("UPDATE products SET stock = $1 WHERE id = $2")
            .bind(STOCK)
            .bind(id)
            .execute(kabinet::db::autocommit(&db))
            .await
            .unwrap();
    }
    let point = call(
        &client,
        reqwest::Method::GET,
        format!("{base}/api/v1/pickup-points?lat=55.75&lon=37.61&limit=1&kind=pickup_point"),
        None,
        None,
        None,
    )
    .await
    .unwrap()
    .1["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tokens = Vec::new();
    for i in 0..CUSTOMERS {
        let t = sign_in(&client, &base).await;
        call(
            &client,
            reqwest::Method::PUT,
            format!("{base}/api/v1/cart/items/{}", ids[i % 2]),
            Some(&t),
            Some(json!({"quantity": 1})),
            None,
        )
        .await
        .unwrap();
        tokens.push(t);
    }
    // Every checkout at once; the server dies as soon as the first answers come back.
    let body = json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
        "payment": {"method": "card", "card": {"number": "2200 0000 0000 0004", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    for t in &tokens {
        let (client, base, body, t, done) = (
            client.clone(),
            base.clone(),
            body.clone(),
            t.clone(),
            done_tx.clone(),
        );
        tokio::spawn(async move {
            let r = call(
                &client,
                reqwest::Method::POST,
                format!("{base}/api/v1/orders"),
                Some(&t),
                Some(body),
                Some("crash"),
            )
            .await;
            let _ = done.send(r.map(|(s, _)| s));
        });
    }
    let (mut answered, mut heard) = (0, 0);
    while answered < 3 && heard < CUSTOMERS {
        heard += 1;
        if let Some(Some(status)) = done_rx.recv().await {
            assert!(status < 500, "checkout answered {status}");
            answered += 1;
        }
    }
    server.kill();
    drop(done_tx);
    while done_rx.recv().await.is_some() {}

    let before: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM payment_attempts GROUP BY status ORDER BY status",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    eprintln!("payment attempts when killed: {before:?}");
    // Restart: payments left half-way are settled before the server serves.
    let server = Server::start(&url, &[]).await;
    let approved_not_paid: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sandbox_payments s JOIN payment_attempts a ON a.reference = s.reference \
         JOIN orders o ON o.id = a.order_id \
         WHERE s.outcome = 'approved' AND s.refunded_at IS NULL AND (a.status <> 'approved' OR o.status <> 'paid')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(approved_not_paid, 0, "every approved charge pays its order");
    let charged_without_order: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sandbox_payments s LEFT JOIN payment_attempts a ON a.reference = s.reference \
         LEFT JOIN orders o ON o.id = a.order_id \
         WHERE s.outcome = 'approved' AND s.refunded_at IS NULL AND o.id IS NULL",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(charged_without_order, 0, "no money kept without an order");
    let paid_without_approval: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders o WHERE o.status = 'paid' AND NOT EXISTS \
         (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.id AND a.status = 'approved')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(paid_without_approval, 0);
    for id in &ids {
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE l.product_id = $1 AND o.status <> 'cancelled'",
        )
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
        let stock: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(stock + held, STOCK, "stock of {id} agrees with its orders");
    }
    let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(paid >= 3, "the answered checkouts are paid ({paid})");
    // The restarted server serves the customers their orders.
    let (status, list) = call(
        &client,
        reqwest::Method::GET,
        format!("{}/api/v1/orders", server.base),
        Some(&tokens[0]),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{list}");
    server.kill();
    db.close().await;
}

/// `kabinet serve` refusing a setup: exit code 1 and one line naming the setting.
fn refusal(env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .arg("serve")
        .env_clear()
        .env(
            "KABINET_DATABASE_URL",
            format!("sqlite://{}/k.db", dir.path().display()),
        )
        .envs(env.iter().copied())
        .output()
        .expect("kabinet runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_binary_refuses_dev_only_setups_in_one_line() {
    let production = [
        ("KABINET_ENV", "production"),
        ("KABINET_ADDR", "127.0.0.1:0"),
    ];
    let (code, err) = refusal(&production);
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("KABINET_SECRET"), "{err}");
    let secret = (
        "KABINET_SECRET",
        "a production secret of forty-two characters",
    );
    let (code, err) = refusal(&[production[0], production[1], secret]);
    assert_eq!(code, 1);
    assert!(err.contains("KABINET_SMTP__HOST"), "{err}");
    let (code, err) = refusal(&[("KABINET_ADDR", "0.0.0.0:0")]);
    assert_eq!((code, err.lines().count()), (1, 1), "{err}");
    assert!(err.contains("KABINET_ENV"), "{err}");
}
