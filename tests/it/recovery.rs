//! «Забыли пароль?», lost phone and support-assisted recovery (PRODUCT A7–A9,
//! SECURITY 23, 25, 26, 28).

use crate::support::*;
use reqwest::Method;
use serde_json::json;

const PASSWORD: &str = "Кот в сапогах 1697";
const NEW_PASSWORD: &str = "Новый пароль 2026";

async fn ask_link(app: &TestApp, email: &str) -> Resp {
    let (id, answer) = app.captcha().await;
    app.api(
        Method::POST,
        "/recovery",
        None,
        Some(json!({"email": email, "captcha_id": id, "captcha_answer": answer})),
    )
    .await
}

/// The token at the end of the emailed link.
async fn link_token(app: &TestApp, email: &str) -> String {
    let link = app.last_link(email).await;
    assert!(
        link.starts_with("http://kabinet.test/recovery/"),
        "built from the base URL: {link}"
    );
    link.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn forgot_password_sets_a_new_one_and_ends_every_session() {
    let app = spawn_app().await;
    let email = new_email();
    let (token, _) = app.register(&email, PASSWORD).await;
    app.advance(3600);
    ask_link(&app, &email).await.expect(202);
    let link = link_token(&app, &email).await;
    assert!(link.len() >= 43, "≥ 256 bits");
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{link}/complete"),
            None,
            Some(json!({"password": NEW_PASSWORD})),
        )
        .await
        .expect(204);
    assert!(r.header("set-cookie").is_none(), "no automatic sign-in");
    assert_eq!(
        app.get("/me", Some(&token)).await.status,
        401,
        "old sessions end"
    );
    let login = |p: &'static str| json!({"login": email, "password": p});
    assert_eq!(
        app.api(Method::POST, "/auth/password", None, Some(login(PASSWORD)))
            .await
            .status,
        401
    );
    app.api(
        Method::POST,
        "/auth/password",
        None,
        Some(login(NEW_PASSWORD)),
    )
    .await
    .expect(200);
    // Single use.
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{link}/complete"),
            None,
            Some(json!({"password": "yet another one 9"})),
        )
        .await
        .expect(404);
    assert_eq!(r.code(), "recovery_link_invalid");
    let notice = app.outbox(&email).await.pop().unwrap();
    assert!(
        notice["text"].as_str().unwrap().contains("новый пароль"),
        "{notice}"
    );
    // The link is stored hashed.
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM recovery_tokens WHERE token_hash = $1",
            &link
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_link_expires_after_an_hour() {
    let app = spawn_app().await;
    let email = new_email();
    app.register(&email, PASSWORD).await;
    app.advance(3600);
    ask_link(&app, &email).await.expect(202);
    let link = link_token(&app, &email).await;
    app.advance(3601);
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{link}/complete"),
            None,
            Some(json!({"password": NEW_PASSWORD})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (404, "recovery_link_invalid".into())
    );
}

#[tokio::test]
async fn the_answer_is_the_same_for_known_and_unknown_emails_and_needs_the_captcha() {
    let app = spawn_app().await;
    let known = new_email();
    app.register(&known, PASSWORD).await;
    app.advance(3600);
    let unknown = new_email();
    let a = ask_link(&app, &known).await;
    let b = ask_link(&app, &unknown).await;
    assert_eq!((a.status, a.text.clone()), (b.status, b.text.clone()));
    assert_eq!(a.status, 202);
    let letter = app.outbox(&unknown).await.pop().unwrap();
    assert!(
        letter.get("link").is_none()
            && letter["text"]
                .as_str()
                .unwrap()
                .contains("аккаунта с ним нет")
    );
    let (id, _) = app.captcha().await;
    let r = app
        .api(
            Method::POST,
            "/recovery",
            None,
            Some(json!({"email": known, "captcha_id": id, "captcha_answer": "WRONG"})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "invalid_captcha".into())
    );
    let r = app
        .api(
            Method::POST,
            "/recovery",
            None,
            Some(json!({"email": known, "captcha_id": "x", "captcha_answer": "x"})),
        )
        .await;
    assert_eq!(r.code(), "invalid_captcha");
}

#[tokio::test]
async fn lost_phone_recovery_moves_the_account_to_the_new_number() {
    let app = spawn_app().await;
    let email = new_email();
    let (token, id) = app.register(&email, PASSWORD).await;
    // The account gets a phone.
    let old_phone = new_phone();
    let r = app
        .api(
            Method::POST,
            "/me/phone",
            Some(&token),
            Some(json!({"phone": old_phone})),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(&old_phone).await;
    app.api(
        Method::POST,
        "/me/phone/confirm",
        Some(&token),
        Some(json!({"flow_id": flow, "code": code})),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get("/me", Some(&token)).await.json()["phone"],
        old_phone.as_str()
    );

    // The phone is lost: recovery by the emailed link, with a code to the new number.
    app.advance(3600);
    ask_link(&app, &email).await.expect(202);
    let link = link_token(&app, &email).await;
    let new_phone_number = new_phone();
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{link}/phone"),
            None,
            Some(json!({"phone": new_phone_number, "channel": "sms"})),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(&new_phone_number).await;
    // A wrong code does not finish it.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    app.api(
        Method::POST,
        &format!("/recovery/{link}/complete"),
        None,
        Some(json!({"password": NEW_PASSWORD, "flow_id": flow, "code": wrong})),
    )
    .await
    .expect(400);
    app.api(
        Method::POST,
        &format!("/recovery/{link}/complete"),
        None,
        Some(json!({"password": NEW_PASSWORD, "flow_id": flow, "code": code})),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get("/me", Some(&token)).await.status,
        401,
        "sessions revoked"
    );
    assert!(
        app.outbox(&email).await.pop().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("новый номер")
    );

    // The new number opens the old account; the old number starts a new one.
    let (t_new, body) = app.sign_in(&new_phone_number).await;
    assert_eq!(body["customer"]["id"], id.as_str());
    assert_eq!(body["created"], false);
    let (_, body) = app.sign_in(&old_phone).await;
    assert_eq!(body["created"], true);
    assert_ne!(body["customer"]["id"], id.as_str());

    // Contact changes wait 72 hours.
    let r = app
        .api(
            Method::POST,
            "/me/email",
            Some(&t_new),
            Some(json!({"email": new_email()})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "contact_change_on_hold".into())
    );
    app.advance(72 * 3600);
    let (t_later, _) = app.sign_in(&new_phone_number).await;
    app.api(
        Method::POST,
        "/me/email",
        Some(&t_later),
        Some(json!({"email": new_email()})),
    )
    .await
    .expect(202);
}

#[tokio::test]
async fn a_support_case_needs_two_pieces_of_evidence() {
    let app = spawn_app().await;
    let contact = new_phone();
    let base = json!({"full_name": "Петров Игорь Валерьянович", "old_email": "old@example.ru", "new_contact": contact});
    let mut one = base.clone();
    one["order_number"] = json!("10023");
    let r = app
        .api(Method::POST, "/support/recovery-requests", None, Some(one))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "not_enough_evidence".into())
    );
    let mut two = base.clone();
    two["order_number"] = json!("10023");
    two["card_last4"] = json!("4242");
    let r = app
        .api(Method::POST, "/support/recovery-requests", None, Some(two))
        .await
        .expect(202);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let status: String = sqlx::query_scalar("SELECT status FROM recovery_cases WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "new");
    let sms = app.outbox(&contact).await.pop().unwrap();
    assert!(sms["text"].as_str().unwrap().contains("принята"));
    let mut bad = base.clone();
    bad["full_name"] = json!("Петров");
    bad["order_number"] = json!("1");
    bad["delivery_address"] = json!("Москва");
    assert_eq!(
        app.api(Method::POST, "/support/recovery-requests", None, Some(bad))
            .await
            .code(),
        "full_name_required"
    );
}

#[tokio::test]
async fn a_number_of_another_account_is_refused_and_the_link_survives() {
    let app = spawn_app().await;
    let email = new_email();
    app.register(&email, PASSWORD).await;
    let someone = new_phone();
    app.sign_in(&someone).await;
    app.advance(3600);
    ask_link(&app, &email).await.expect(202);
    let link = link_token(&app, &email).await;
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{link}/phone"),
            None,
            Some(json!({"phone": someone, "channel": "sms"})),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(&someone).await;
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{link}/complete"),
            None,
            Some(json!({"password": NEW_PASSWORD, "flow_id": flow, "code": code})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "contact_taken".into()));
    app.api(
        Method::POST,
        &format!("/recovery/{link}/complete"),
        None,
        Some(json!({"password": NEW_PASSWORD})),
    )
    .await
    .expect(204);
}
