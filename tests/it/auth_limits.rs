//! Sending limits and locks (SECURITY 5, 7–10), with an injected clock.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

fn wrong_for(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

#[tokio::test]
async fn resend_waits_60_then_120_then_240_seconds() {
    let app = spawn_app().await;
    let phone = new_phone();
    assert_eq!(
        app.request_code("sms", &phone).await.expect(202).json()["resend_in"],
        60
    );
    for (wait, next_wait) in [(60, 120), (120, 240), (240, 240)] {
        let r = app.request_code("sms", &phone).await.expect(429);
        assert_eq!(r.code(), "resend_too_soon");
        assert_eq!(r.header("retry-after"), Some(wait.to_string()));
        app.advance(wait - 1);
        let r = app.request_code("sms", &phone).await.expect(429);
        assert_eq!(r.header("retry-after").as_deref(), Some("1"));
        app.advance(1);
        let ok = app.request_code("sms", &phone).await.expect(202);
        assert_eq!(ok.json()["resend_in"], next_wait);
    }
}

#[tokio::test]
async fn a_used_code_lets_the_next_sign_in_start_at_once() {
    let app = spawn_app().await;
    let phone = new_phone();
    app.sign_in(&phone).await;
    // Another device, right away: no resend wait after a code that was used.
    let (flow, code) = app.code_for("sms", &phone).await;
    // …but an unused code still has its wait.
    assert_eq!(
        app.request_code("sms", &phone).await.code(),
        "resend_too_soon"
    );
    app.verify(&flow, &code).await.expect(200);
}

/// Sends one code after another, each after its cooldown; returns the answer to the last.
async fn send_times(app: &TestApp, channel: &str, to: &str, n: usize) -> Resp {
    let mut last = None;
    for _ in 0..n {
        let r = app.request_code(channel, to).await;
        if r.status == 202 {
            let wait = r.json()["resend_in"].as_i64().unwrap();
            app.advance(wait);
        }
        last = Some(r);
    }
    last.unwrap()
}

#[tokio::test]
async fn a_phone_gets_at_most_5_sms_an_hour_and_10_a_day() {
    let app = spawn_app().await;
    let phone = new_phone();
    let r = send_times(&app, "sms", &phone, 5).await.expect(202);
    let _ = r;
    let r = app.request_code("sms", &phone).await.expect(429);
    assert_eq!(r.code(), "too_many_codes");
    let retry: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600, "{retry}");
    app.advance(retry);
    send_times(&app, "sms", &phone, 5).await.expect(202);
    app.advance(3600);
    let r = app.request_code("sms", &phone).await.expect(429);
    assert_eq!(r.code(), "too_many_codes", "ten a day");
    let retry: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 3600 && retry <= 86_400, "{retry}");
    assert_eq!(app.outbox(&phone).await.len(), 10);
}

#[tokio::test]
async fn an_email_gets_at_most_5_codes_an_hour_and_20_a_day() {
    let app = spawn_app().await;
    let email = new_email();
    for hour in 0..4 {
        send_times(&app, "email", &email, 5).await.expect(202);
        let r = app.request_code("email", &email).await.expect(429);
        assert_eq!(r.code(), "too_many_codes", "hour {hour}");
        app.advance(3600);
    }
    let r = app.request_code("email", &email).await.expect(429);
    assert_eq!(r.code(), "too_many_codes");
    assert_eq!(app.outbox(&email).await.len(), 20);
}

#[tokio::test]
async fn an_address_asking_over_20_times_an_hour_solves_a_captcha_never_locked_out() {
    let app = spawn_app().await;
    for _ in 0..20 {
        app.request_code("sms", &new_phone()).await.expect(202);
    }
    let r = app.request_code("email", &new_email()).await.expect(400);
    assert_eq!(r.code(), "captcha_required");
    assert_eq!(
        r.json()["error"]["message"],
        "Введите антиспам-код с картинки."
    );
    // X-Forwarded-For from an untrusted peer changes nothing.
    let r = app
        .send(
            Method::POST,
            "/auth/codes",
            None,
            Some(json!({"channel":"sms","to": new_phone()})),
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await;
    assert_eq!(r.code(), "captcha_required");
    // A wrong answer is refused, a solved captcha lets the request through — once.
    let (id, _) = app.captcha().await;
    let with = |id: &str, answer: &str| json!({"channel":"sms","to": new_phone(),"captcha_id": id,"captcha_answer": answer});
    let r = app
        .api(Method::POST, "/auth/codes", None, Some(with(&id, "XXXXX")))
        .await;
    assert_eq!(r.code(), "invalid_captcha");
    let (id, answer) = app.captcha().await;
    app.api(Method::POST, "/auth/codes", None, Some(with(&id, &answer)))
        .await
        .expect(202);
    let r = app
        .api(Method::POST, "/auth/codes", None, Some(with(&id, &answer)))
        .await;
    assert_eq!(r.code(), "invalid_captcha", "a captcha is single use");
    // The next hour starts afresh.
    app.advance(3600);
    app.request_code("sms", &new_phone()).await.expect(202);
}

#[tokio::test]
async fn far_above_the_threshold_an_address_gets_429() {
    let app = spawn_app_with(|c| {
        c.limits.ip_per_hour = 2;
        c.limits.hard_cap_factor = 3;
    })
    .await;
    let answers = [
        app.request_code("sms", &new_phone()).await.status,
        app.request_code("sms", &new_phone()).await.status,
    ];
    assert_eq!(answers, [202, 202]);
    for _ in 0..4 {
        assert_eq!(
            app.request_code("sms", &new_phone()).await.code(),
            "captcha_required"
        );
    }
    let r = app.request_code("sms", &new_phone()).await.expect(429);
    assert_eq!(r.code(), "too_many_requests");
    let retry: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600, "{retry}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_ip_is_limited() {
    let app = spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let from = |ip: &'static str| [("x-forwarded-for", ip)];
    for _ in 0..20 {
        let body = json!({"channel":"sms","to": new_phone()});
        app.send(
            Method::POST,
            "/auth/codes",
            None,
            Some(body),
            &from("203.0.113.5"),
        )
        .await
        .expect(202);
    }
    let body = json!({"channel":"sms","to": new_phone()});
    let r = app
        .send(
            Method::POST,
            "/auth/codes",
            None,
            Some(body),
            &from("203.0.113.5"),
        )
        .await;
    assert_eq!(r.code(), "captcha_required");
    // Another client behind the same proxy is not affected.
    let body = json!({"channel":"sms","to": new_phone()});
    app.send(
        Method::POST,
        "/auth/codes",
        None,
        Some(body),
        &from("203.0.113.6"),
    )
    .await
    .expect(202);
    // The client IP is what the session list shows.
    let phone = new_phone();
    let r = app
        .send(
            Method::POST,
            "/auth/codes",
            None,
            Some(json!({"channel":"sms","to": phone})),
            &from("198.51.100.7"),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(&phone).await;
    let body = app
        .send(
            Method::POST,
            "/auth/codes/verify",
            None,
            Some(json!({"flow_id": flow, "code": code})),
            &from("198.51.100.7"),
        )
        .await
        .expect(200)
        .json();
    let token = body["token"].as_str().unwrap();
    let sessions = app.get("/sessions", Some(token)).await.expect(200).json();
    assert_eq!(sessions["items"][0]["ip"], "198.51.100.7");
}

#[tokio::test]
async fn voice_only_after_an_unconfirmed_sms_a_minute_old_and_3_a_day() {
    let app = spawn_app().await;
    let phone = new_phone();
    let r = app.request_code("voice", &phone).await.expect(409);
    assert_eq!(r.code(), "voice_needs_sms");
    app.request_code("sms", &phone).await.expect(202);
    app.advance(30);
    assert_eq!(app.request_code("voice", &phone).await.status, 429);
    app.advance(30);
    let r = app.request_code("voice", &phone).await.expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let call = app.outbox(&phone).await.pop().unwrap();
    assert_eq!(call["channel"], "voice");
    let code = call["code"].as_str().unwrap().to_owned();
    assert!(
        call["text"]
            .as_str()
            .unwrap()
            .contains(&code.chars().map(String::from).collect::<Vec<_>>().join(" "))
    );
    for _ in 0..2 {
        app.advance(240);
        app.request_code("voice", &phone).await.expect(202);
    }
    app.advance(240);
    let r = app.request_code("voice", &phone).await.expect(429);
    assert_eq!(r.code(), "too_many_codes");
    // The code of the last call signs in.
    let code = app.last_code(&phone).await;
    let r = app.verify(&flow, &code).await;
    assert!(
        r.status == 400,
        "an older call's flow was voided by the next one: {}",
        r.text
    );

    // Once an SMS code was used, no call is offered for it.
    let other = new_phone();
    let (flow, code) = app.code_for("sms", &other).await;
    app.verify(&flow, &code).await.expect(200);
    app.advance(61);
    assert_eq!(
        app.request_code("voice", &other).await.code(),
        "voice_needs_sms"
    );
}

#[tokio::test]
async fn a_voice_code_signs_in() {
    let app = spawn_app().await;
    let phone = new_phone();
    app.request_code("sms", &phone).await.expect(202);
    app.advance(60);
    let (flow, code) = app.code_for("voice", &phone).await;
    let body = app.verify(&flow, &code).await.expect(200).json();
    assert_eq!(body["customer"]["phone"], phone.as_str());
}

#[tokio::test]
async fn more_than_10_wrong_entries_an_hour_lock_the_contact_for_an_hour() {
    let app = spawn_app().await;
    let phone = new_phone();
    // Five wrong entries void the first code; asking for new codes does not reset the count.
    let (flow, code) = app.code_for("sms", &phone).await;
    for _ in 0..5 {
        app.verify(&flow, wrong_for(&code)).await.expect(400);
    }
    app.advance(60);
    let (flow, code) = app.code_for("sms", &phone).await;
    for _ in 0..5 {
        app.verify(&flow, wrong_for(&code)).await.expect(400);
    }
    app.advance(120);
    let (flow, code) = app.code_for("sms", &phone).await;
    let r = app.verify(&flow, wrong_for(&code)).await.expect(429);
    assert_eq!(r.code(), "code_entry_locked");
    assert_eq!(r.header("retry-after").as_deref(), Some("3600"));
    // Even the right code is refused while locked, and a new code does not unlock.
    assert_eq!(app.verify(&flow, &code).await.status, 429);
    app.advance(240);
    let (flow, code) = app.code_for("sms", &phone).await;
    let r = app.verify(&flow, &code).await.expect(429);
    assert!(r.header("retry-after").unwrap().parse::<i64>().unwrap() <= 3600 - 240);
    // Other contacts are not affected.
    app.sign_in(&new_phone()).await;
    // After the hour, entry works again (with a fresh code: the old ones expired).
    app.advance(3600);
    let (flow, code) = app.code_for("sms", &phone).await;
    app.verify(&flow, &code).await.expect(200);
    // The security log of the account recorded the failures and the lock.
    let n = app.scalar_i64("SELECT COUNT(*) FROM security_events WHERE contact = $1 AND event = 'code_entry_locked'", &phone).await;
    assert_eq!(n, 1);
}
