//! Personal data and contact changes (PRODUCT A10, SECURITY 20, 27, 29–30).

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn names_change_freely_and_only_for_their_owner() {
    let app = spawn_app().await;
    let (alice, _) = app.sign_in(&new_phone()).await;
    let (bob, _) = app.sign_in(&new_phone()).await;
    let patch = json!({"first_name":"Игорь","last_name":"Петров","patronymic":"Валерьянович","address_as":"Игорь Валерьянович"});
    let me = app
        .api(Method::PATCH, "/me", Some(&alice), Some(patch))
        .await
        .expect(200)
        .json();
    assert_eq!(me["address_as"], "Игорь Валерьянович");
    // A maiden surname changes like any other field.
    let me = app
        .api(
            Method::PATCH,
            "/me",
            Some(&alice),
            Some(json!({"last_name":"Иванова-Петрова"})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        (me["last_name"].as_str(), me["first_name"].as_str()),
        (Some("Иванова-Петрова"), Some("Игорь"))
    );
    let r = app
        .api(
            Method::PATCH,
            "/me",
            Some(&alice),
            Some(json!({"first_name":"<script>"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "invalid_name".into()));
    let r = app
        .api(
            Method::PATCH,
            "/me",
            Some(&alice),
            Some(json!({"id":"someone-else"})),
        )
        .await;
    assert_eq!(r.status, 400, "unknown fields are refused");
    assert_eq!(app.get("/me", Some(&bob)).await.json()["first_name"], "");
    // Without a session (a client with no cookie): 401.
    let r = reqwest::Client::new()
        .patch(format!("{}/api/v1/me", app.base))
        .json(&json!({"first_name":"X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

async fn confirm(app: &TestApp, token: &str, kind: &str, to: &str) -> Resp {
    let body = if kind == "email" {
        json!({"email": to})
    } else {
        json!({"phone": to})
    };
    let r = app
        .api(
            Method::POST,
            &format!("/me/{kind}"),
            Some(token),
            Some(body),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(to).await;
    app.api(
        Method::POST,
        &format!("/me/{kind}/confirm"),
        Some(token),
        Some(json!({"flow_id": flow, "code": code})),
    )
    .await
}

#[tokio::test]
async fn a_new_email_is_confirmed_by_a_code_and_the_old_one_can_undo_it() {
    let app = spawn_app().await;
    let old = new_email();
    let (token, _) = app.register(&old, "Кот в сапогах 1697").await;
    let new = new_email();
    // Until confirmed, the old address stays.
    let r = app
        .api(
            Method::POST,
            "/me/email",
            Some(&token),
            Some(json!({"email": new})),
        )
        .await
        .expect(202);
    assert_eq!(
        app.get("/me", Some(&token)).await.json()["email"],
        old.as_str()
    );
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(&new).await;
    app.api(
        Method::POST,
        "/me/email/confirm",
        Some(&token),
        Some(json!({"flow_id": flow, "code": code})),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get("/me", Some(&token)).await.json()["email"],
        new.as_str()
    );
    // The old address is told, with «Это был не я».
    let notice = app.outbox(&old).await.pop().unwrap();
    let link = notice["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("http://kabinet.test/account/revert/"));
    let revert_token = link.rsplit('/').next().unwrap();
    app.api(
        Method::POST,
        &format!("/contact-changes/{revert_token}/revert"),
        None,
        None,
    )
    .await
    .expect(204);
    assert_eq!(
        app.get("/me", Some(&token)).await.status,
        401,
        "every session ends"
    );
    let body = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(json!({"login": old, "password": "Кот в сапогах 1697"})),
        )
        .await;
    assert_eq!(body.expect(200).json()["customer"]["email"], old.as_str());
    // The link works once.
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/contact-changes/{revert_token}/revert"),
            None,
            None
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn a_phone_account_adds_an_email_and_the_phone_is_told() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let email = new_email();
    confirm(&app, &token, "email", &email).await.expect(204);
    let me = app.get("/me", Some(&token)).await.json();
    assert_eq!(
        (me["email"].as_str(), me["email_verified"].as_bool()),
        (Some(email.as_str()), Some(true))
    );
    let sms = app.outbox(&phone).await.pop().unwrap();
    assert!(sms["link"].as_str().unwrap().contains("/account/revert/"));
}

#[tokio::test]
async fn contact_changes_need_a_fresh_sign_in_and_a_free_contact() {
    let app = spawn_app().await;
    let taken = new_phone();
    app.sign_in(&taken).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let r = app
        .api(
            Method::POST,
            "/me/phone",
            Some(&token),
            Some(json!({"phone": taken})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "contact_taken".into()));
    assert!(!r.text.contains(&taken[1..]), "does not say whose");
    let r = app
        .api(
            Method::POST,
            "/me/phone",
            Some(&token),
            Some(json!({"phone": "+7 495 123-45-67"})),
        )
        .await;
    assert_eq!(r.code(), "phone_not_supported");
    app.advance(16 * 60);
    let r = app
        .api(
            Method::POST,
            "/me/email",
            Some(&token),
            Some(json!({"email": new_email()})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (403, "reauth_required".into())
    );
}

#[tokio::test]
async fn a_change_code_only_works_for_the_account_that_asked() {
    let app = spawn_app().await;
    let (alice, _) = app.sign_in(&new_phone()).await;
    let (bob, _) = app.sign_in(&new_phone()).await;
    let email = new_email();
    let r = app
        .api(
            Method::POST,
            "/me/email",
            Some(&alice),
            Some(json!({"email": email})),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(&email).await;
    let r = app
        .api(
            Method::POST,
            "/me/email/confirm",
            Some(&bob),
            Some(json!({"flow_id": flow, "code": code})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        app.get("/me", Some(&bob)).await.json()["email"],
        serde_json::Value::Null
    );
    // A login code cannot confirm a contact change either.
    let phone = new_phone();
    let (login_flow, login_code) = app.code_for("sms", &phone).await;
    let r = app
        .api(
            Method::POST,
            "/me/phone/confirm",
            Some(&alice),
            Some(json!({"flow_id": login_flow, "code": login_code})),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn a_recycled_number_asks_for_the_email_code_of_a_dormant_account() {
    let app = spawn_app().await;
    let email = new_email();
    let (token, id) = app.register(&email, "Кот в сапогах 1697").await;
    let phone = new_phone();
    confirm(&app, &token, "phone", &phone).await.expect(204);
    app.advance(181 * 86_400);
    let (flow, code) = app.code_for("sms", &phone).await;
    let r = app.verify(&flow, &code).await.expect(409);
    assert_eq!(r.code(), "email_code_required");
    let email_flow = r.json()["error"]["flow_id"].as_str().unwrap().to_owned();
    let email_code = app.last_code(&email).await;
    let body = app
        .verify(&email_flow, &email_code)
        .await
        .expect(200)
        .json();
    assert_eq!(body["customer"]["id"], id.as_str());
    // Signed in recently now: the next phone sign-in goes straight in.
    app.advance(241);
    let (_, body) = app.sign_in(&phone).await;
    assert_eq!(body["customer"]["id"], id.as_str());
}

#[tokio::test]
async fn without_the_email_the_number_leaves_the_dormant_account() {
    let app = spawn_app().await;
    let email = new_email();
    let (token, id) = app.register(&email, "Кот в сапогах 1697").await;
    let phone = new_phone();
    confirm(&app, &token, "phone", &phone).await.expect(204);
    app.advance(181 * 86_400);
    let (flow, code) = app.code_for("sms", &phone).await;
    let r = app.verify(&flow, &code).await.expect(409);
    let email_flow = r.json()["error"]["flow_id"].as_str().unwrap().to_owned();
    let body = app
        .api(
            Method::POST,
            "/auth/codes/no-email-access",
            None,
            Some(json!({"flow_id": email_flow})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(body["created"], true);
    assert_ne!(body["customer"]["id"], id.as_str());
    assert_eq!(body["customer"]["phone"], phone.as_str());
    let letter = app.outbox(&email).await.pop().unwrap();
    assert!(letter["text"].as_str().unwrap().contains("отвязан"));
    let old_phone: Option<String> = sqlx::query_scalar("SELECT phone FROM customers WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(old_phone, None);
    // The flow is spent.
    let r = app
        .api(
            Method::POST,
            "/auth/codes/no-email-access",
            None,
            Some(json!({"flow_id": email_flow})),
        )
        .await;
    assert_eq!(r.status, 400);
}
