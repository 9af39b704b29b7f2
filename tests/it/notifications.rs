//! «Уведомления» (issue 13): which channels each kind of notice goes by. Order status changes
//! follow the customer's choice — checked both in the dev outbox (what was queued) and at the
//! test SMTP server and SMS gateway (what went out); promotions are off until agreed to, and the
//! consent is recorded; security notices cannot be switched off.

use crate::support::sms::SmsGateway;
use crate::support::smtp::SmtpServer;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const CARD_OK: &str = "2200 0000 0000 0004";

async fn put(app: &TestApp, token: &str, body: Value) -> Resp {
    app.api(Method::PUT, "/me/notifications", Some(token), Some(body))
        .await
}

#[tokio::test]
async fn defaults_partial_changes_and_the_promotions_consent() {
    let app = spawn_app().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let s = app
        .get("/me/notifications", Some(&token))
        .await
        .expect(200)
        .json();
    assert_eq!(s["order_status"], json!({"sms": true, "email": true}));
    assert_eq!(s["support"], json!({"sms": true, "email": true}));
    assert_eq!(s["promotions"], json!({"sms": false, "email": false}));
    assert_eq!(s["security"], json!({"sms": true, "email": true}));
    assert!(s.get("promotions_consent_at").is_none(), "{s}");

    // Only what is sent changes.
    let s = put(&app, &token, json!({"order_status": {"sms": false}}))
        .await
        .expect(200)
        .json();
    assert_eq!(s["order_status"], json!({"sms": false, "email": true}));
    assert_eq!(s["promotions"], json!({"sms": false, "email": false}));

    // Agreeing to promotions is recorded with its time, and so is withdrawing it.
    app.advance(60);
    let s = put(
        &app,
        &token,
        json!({"promotions": {"sms": false, "email": true}}),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(s["promotions"], json!({"sms": false, "email": true}));
    let at = s["promotions_consent_at"]
        .as_str()
        .expect("consent time")
        .to_owned();
    let again = app.get("/me/notifications", Some(&token)).await.json();
    assert_eq!(again["promotions_consent_at"], at.as_str());
    assert_eq!(again["order_status"], json!({"sms": false, "email": true}));
    let s = put(&app, &token, json!({"promotions": {"email": false}}))
        .await
        .expect(200)
        .json();
    assert!(s.get("promotions_consent_at").is_none(), "{s}");
    let log = app
        .get("/me/security-events", Some(&token))
        .await
        .expect(200)
        .json();
    let events: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(events.contains(&"promotions_consent_given"), "{events:?}");
    assert!(
        events.contains(&"promotions_consent_withdrawn"),
        "{events:?}"
    );

    // Security notices stay on; nonsense is refused and changes nothing.
    let e = put(&app, &token, json!({"security": {"email": false}}))
        .await
        .expect(400);
    assert_eq!(e.code(), "security_notices_required");
    put(&app, &token, json!({"order_status": {"sms": "yes"}}))
        .await
        .expect(400);
    put(&app, &token, json!({"orders": {"sms": true}}))
        .await
        .expect(400);
    let s = app.get("/me/notifications", Some(&token)).await.json();
    assert_eq!(s["order_status"], json!({"sms": false, "email": true}));

    // Each customer has their own settings; guests have none.
    let (other, _) = app.sign_in(&new_phone()).await;
    let s = app
        .get("/me/notifications", Some(&other))
        .await
        .expect(200)
        .json();
    assert_eq!(s["order_status"], json!({"sms": true, "email": true}));
    let guest = client()
        .get(format!("{}/api/v1/me/notifications", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(guest.status(), 401);
    put(&app, "nope", json!({})).await.expect(401);
}

#[tokio::test]
async fn the_page_saves_the_boxes_that_are_ticked() {
    let app = spawn_app().await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account/notifications", &phone, &phone).await;
    let html = get_page(&app, "/account/notifications")
        .await
        .expect(200)
        .text;
    assert!(html.contains("Уведомления"), "{html}");
    assert!(html.contains("нельзя отключить"), "{html}");
    let r = post_form(
        &app,
        "/account/notifications",
        &[
            ("csrf", &csrf_of(&html)),
            ("order_email", "1"),
            ("support_sms", "1"),
            ("promotions_sms", "1"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/account/notifications?done=saved")
    );
    let html = get_page(&app, "/account/notifications?done=saved")
        .await
        .expect(200)
        .text;
    assert!(html.contains("Настройки уведомлений сохранены"), "{html}");
    assert!(
        html.contains(r#"name="promotions_sms" value="1" checked"#),
        "{html}"
    );
    assert!(
        !html.contains(r#"name="order_sms" value="1" checked"#),
        "{html}"
    );
}

/// A paid card order of one item to a pickup point: its number.
async fn paid_order(app: &TestApp, token: &str) -> String {
    let items = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let p = items
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .expect("a product in stock");
    app.api(
        Method::PUT,
        &format!("/cart/items/{}", p["id"].as_str().unwrap()),
        Some(token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let body = json!({"delivery": {"method": "pickup_point", "pickup_point_id": moscow_point(app).await},
        "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(token),
            Some(body),
            &[("idempotency-key", &new_email())],
        )
        .await
        .expect(201)
        .json();
    assert_eq!(o["status"], "paid");
    o["number"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn order_notices_go_by_the_chosen_channels_only() {
    let smtp = SmtpServer::start();
    let mut gw = SmsGateway::start().await;
    let (smtp_port, gw_url) = (smtp.port, gw.url.clone());
    // The dev outbox records what is queued (at once, so "nothing queued" is checkable); the
    // transports send it for real.
    let app = spawn_app_with(|c| {
        c.demo = Some(true);
        c.dev_outbox = Some(true);
        c.smtp.host = Some("127.0.0.1".into());
        c.smtp.port = smtp_port;
        c.smtp.tls = "none".into();
        c.sms.url = Some(format!("{gw_url}/sms/send"));
    })
    .await;
    let support = app.staff("support").await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    app.api(
        Method::PATCH,
        "/me",
        Some(&token),
        Some(json!({"first_name": "Игорь", "address_as": "Игорь Валерьянович"})),
    )
    .await
    .expect(200);
    let email = new_email();
    let flow = app
        .api(
            Method::POST,
            "/me/email",
            Some(&token),
            Some(json!({"email": email})),
        )
        .await
        .expect(202)
        .json()["flow_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.last_code(&email).await;
    app.api(
        Method::POST,
        "/me/email/confirm",
        Some(&token),
        Some(json!({"flow_id": flow, "code": code})),
    )
    .await
    .expect(204);
    let number = paid_order(&app, &token).await;
    let about = |to: String| {
        let app = &app;
        let needle = format!("№ {number}");
        async move {
            app.outbox(&to)
                .await
                .into_iter()
                .filter(|m| m["text"].as_str().unwrap_or("").contains(&needle))
                .count()
        }
    };
    let step = |status: &'static str| {
        let (app, token, number) = (&app, support.token.clone(), number.clone());
        async move {
            app.api(
                Method::POST,
                &format!("/staff/orders/{number}/status"),
                Some(&token),
                Some(json!({"status": status})),
            )
            .await
            .expect(200);
        }
    };

    let (sms0, mail0) = (about(phone.clone()).await, about(email.clone()).await);
    // Email only.
    put(
        &app,
        &token,
        json!({"order_status": {"sms": false, "email": true}}),
    )
    .await
    .expect(200);
    step("assembling").await;
    assert_eq!(about(phone.clone()).await, sms0, "no SMS queued");
    assert_eq!(about(email.clone()).await, mail0 + 1, "one letter queued");
    let letter = tokio::task::spawn_blocking(move || {
        loop {
            let m = smtp.next();
            if m.to == [email.clone()] && m.data.contains("Subject") {
                let body = crate::notify::decoded_body(&m.data);
                if body.contains("собирается") {
                    return (smtp, email, body);
                }
            }
        }
    })
    .await
    .unwrap();
    let (smtp, email, body) = letter;
    assert!(body.contains(&number), "{body}");
    assert!(body.contains("Здравствуйте, Игорь Валерьянович!"), "{body}");

    // SMS only.
    put(
        &app,
        &token,
        json!({"order_status": {"sms": true, "email": false}}),
    )
    .await
    .expect(200);
    step("shipped").await;
    assert_eq!(about(phone.clone()).await, sms0 + 1, "one SMS queued");
    assert_eq!(
        about(email.clone()).await,
        mail0 + 1,
        "no new letter queued"
    );
    let wire = phone.trim_start_matches('+').to_owned();
    loop {
        let p = gw.next().await;
        if p["to"] == wire && p["msg"].contains(&number) {
            assert!(p["msg"].contains("передан в доставку"), "{p:?}");
            break;
        }
    }

    // Neither: the order still moves, nobody is told.
    put(
        &app,
        &token,
        json!({"order_status": {"sms": false, "email": false}}),
    )
    .await
    .expect(200);
    step("ready_for_pickup").await;
    assert_eq!(about(phone.clone()).await, sms0 + 1);
    assert_eq!(about(email.clone()).await, mail0 + 1);
    drop(smtp);
}
