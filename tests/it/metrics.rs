//! Prometheus metrics on their own listener (issue 15), read as Prometheus would: the real
//! binary with `KABINET_METRICS_ADDR`, a customer signing in beside it, then `GET /metrics`.

use crate::support::server::{Server, free_port};
use crate::support::*;
use serde_json::{Value, json};

/// The value of one series (`name{labels}` exactly as exposed), if it is there.
fn series(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn scrape(client: &reqwest::Client, addr: &str) -> String {
    let r = client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .expect("metrics answer");
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// Scrapes until `ok` holds for what is exposed (the outbox worker and the periodic job run in
/// the background), for at most ten seconds; returns the last scrape.
async fn scrape_until(client: &reqwest::Client, addr: &str, ok: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    for _ in 0..200 {
        text = scrape(client, addr).await;
        if ok(&text) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    text
}

/// The status of a GET, with the bearer token when given.
async fn status_of(client: &reqwest::Client, url: String, token: Option<&str>) -> u16 {
    let mut r = client.get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap().status().as_u16()
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = client.post(url).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_operator_sees_requests_codes_messages_the_database_and_the_lease() {
    let (url, _dir) = fresh_database().await;
    let metrics = format!("127.0.0.1:{}", free_port());
    let server = Server::start(
        &url,
        &[
            ("KABINET_METRICS_ADDR", &metrics),
            ("KABINET_HOUSEKEEPING_SECS", "1"),
            ("KABINET_DB_MAX_CONNECTIONS", "7"),
            // The third code request from this address asks for a captcha.
            ("KABINET_LIMITS__IP_PER_HOUR", "2"),
        ],
    )
    .await;
    let client = client();
    let api = |path: &str| format!("{}/api/v1{path}", server.base);

    // A customer asks for a code, mistypes it, then signs in and looks at an order.
    let phone = new_phone();
    let (status, started) = post(
        &client,
        api("/auth/codes"),
        json!({"channel": "sms", "to": phone, "purpose": "login"}),
    )
    .await;
    assert_eq!(status, 202, "{started}");
    let flow = started["flow_id"].as_str().unwrap().to_owned();
    let (status, _) = post(
        &client,
        api("/auth/codes/verify"),
        json!({"flow_id": flow, "code": "000000"}),
    )
    .await;
    assert_eq!(status, 400);
    let q: String = url::form_urlencoded::byte_serialize(phone.as_bytes()).collect();
    let outbox: Value = client
        .get(api(&format!("/dev/outbox?to={q}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = outbox["items"][0]["code"].as_str().unwrap().to_owned();
    let (status, signed_in) = post(
        &client,
        api("/auth/codes/verify"),
        json!({"flow_id": flow, "code": code}),
    )
    .await;
    assert_eq!(status, 200, "{signed_in}");
    let token = signed_in["token"].as_str().unwrap().to_owned();
    assert_eq!(status_of(&client, api("/me"), Some(&token)).await, 200);
    assert_eq!(
        status_of(&client, api("/orders/424242"), Some(&token)).await,
        404
    );
    assert_eq!(status_of(&client, api("/captcha"), None).await, 200);
    // Two more code requests from the same address: the second is asked for a captcha.
    let ask = |to: String| {
        post(
            &client,
            api("/auth/codes"),
            json!({"channel": "sms", "to": to, "purpose": "login"}),
        )
    };
    assert_eq!(ask(new_phone()).await.0, 202);
    let (status, refused) = ask(new_phone()).await;
    assert_eq!(
        refused["error"]["code"], "captcha_required",
        "{status} {refused}"
    );

    let text = scrape_until(&client, &metrics, |t| {
        series(t, r#"kabinet_messages_total{channel="sms",outcome="sent"}"#) == Some(2.0)
            && series(t, r#"kabinet_lease_held{lease="housekeeping"}"#) == Some(1.0)
    })
    .await;
    let of = |name: &str| series(&text, name);
    // Delivered in the background, counted once; the periodic job's lease is this node's.
    assert_eq!(
        of(r#"kabinet_messages_total{channel="sms",outcome="sent"}"#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(of(r#"kabinet_lease_held{lease="housekeeping"}"#), Some(1.0));
    // Requests by route pattern and status, with their latency histograms.
    assert_eq!(
        of(r#"kabinet_http_requests_total{method="POST",route="/api/v1/auth/codes",status="202"}"#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        of(
            r#"kabinet_http_requests_total{method="POST",route="/api/v1/auth/codes/verify",status="400"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        of(r#"kabinet_http_requests_total{method="GET",route="/api/v1/me",status="200"}"#),
        Some(1.0)
    );
    assert_eq!(
        of(
            r#"kabinet_http_requests_total{method="GET",route="/api/v1/orders/{number}",status="404"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        of(r#"kabinet_http_request_duration_seconds_count{method="GET",route="/api/v1/me"}"#),
        Some(1.0)
    );
    // Paths never become labels: no token, flow, order number or phone in what is exposed.
    for secret in [&token, &flow, "424242", &phone[1..]] {
        assert!(!text.contains(secret), "{secret} exposed");
    }
    // Codes, messages and captchas.
    assert_eq!(
        of(r#"kabinet_code_requests_total{channel="sms",outcome="sent"}"#),
        Some(2.0)
    );
    assert_eq!(
        of(r#"kabinet_address_limits_total{volume="codes",outcome="captcha_required"}"#),
        Some(1.0),
        "refused before it became a code request"
    );
    assert_eq!(
        of(r#"kabinet_code_checks_total{outcome="invalid_code"}"#),
        Some(1.0)
    );
    assert_eq!(of(r#"kabinet_code_checks_total{outcome="ok"}"#), Some(1.0));
    assert_eq!(of("kabinet_captchas_shown_total"), Some(1.0));
    // The database: statements timed, this node's pool, the outbox drained.
    assert!(
        of("kabinet_db_query_seconds_count").unwrap_or(0.0) > 10.0,
        "{text}"
    );
    assert!(of(r#"kabinet_db_query_seconds_bucket{le="+Inf"}"#).is_some());
    assert_eq!(of(r#"kabinet_db_pool_connections{state="max"}"#), Some(7.0));
    assert!(of(r#"kabinet_db_pool_connections{state="idle"}"#).is_some());
    assert_eq!(of("kabinet_outbox_depth"), Some(0.0));
    assert_eq!(of("kabinet_outbox_oldest_age_seconds"), Some(0.0));
    assert_eq!(of("kabinet_draining"), None, "not stopping");
    assert!(text.contains("# TYPE kabinet_http_request_duration_seconds histogram"));

    // Metrics are not on the public listener, and nothing else is on the metrics one.
    let public = format!("{}/metrics", server.base);
    assert_eq!(status_of(&client, public, None).await, 404);
    let other = format!("http://{metrics}/api/v1/me");
    assert_eq!(status_of(&client, other, None).await, 404);
}

#[tokio::test]
async fn a_bad_metrics_address_is_refused_at_start_in_plain_words() {
    let mut config = kabinet::config::Config {
        metrics_addr: Some("localhost".into()),
        ..Default::default()
    };
    let err = config.validate().unwrap_err().to_string();
    assert!(
        err.contains("metrics_addr must be an IP address and port"),
        "{err}"
    );
    config.metrics_addr = Some(config.addr.clone());
    let err = config.validate().unwrap_err().to_string();
    assert!(err.contains("metrics_addr must differ from addr"), "{err}");
    config.metrics_addr = None;
    config.validate().expect("off by default");
}
