//! Registration and password sign-in (PRODUCT A4, SECURITY 12, 14–17).

use crate::support::*;
use reqwest::Method;
use serde_json::json;

const PASSWORD: &str = "Кот в сапогах 1697";

async fn password_sign_in(app: &TestApp, login: &str, password: &str) -> Resp {
    app.api(
        Method::POST,
        "/auth/password",
        None,
        Some(json!({"login": login, "password": password})),
    )
    .await
}

#[tokio::test]
async fn register_confirm_then_sign_in_with_the_password() {
    let app = spawn_app().await;
    let email = new_email();
    let (token, _) = app.register(&email, PASSWORD).await;
    let me = app.get("/me", Some(&token)).await.expect(200).json();
    assert_eq!(
        (me["first_name"].as_str(), me["last_name"].as_str()),
        (Some("Анна"), Some("Смирнова"))
    );
    assert_eq!(me["email_verified"], true);
    // The letter also carried a one-click link.
    let link = app.last_link(&email).await;
    assert!(
        link.starts_with("http://kabinet.test/register/confirm?flow="),
        "{link}"
    );
    app.api(Method::POST, "/auth/logout", Some(&token), None)
        .await
        .expect(204);
    let body = password_sign_in(&app, &email.to_uppercase(), PASSWORD)
        .await
        .expect(200)
        .json();
    assert_eq!(body["created"], false);
    assert_eq!(body["customer"]["email"], email.as_str());
    app.get("/me", Some(body["token"].as_str().unwrap()))
        .await
        .expect(200);
}

#[tokio::test]
async fn the_registration_link_confirms_through_a_page() {
    let app = spawn_app().await;
    let email = new_email();
    let body = json!({"first_name":"Иван","last_name":"Петров","email":email,"password":PASSWORD});
    app.api(Method::POST, "/auth/register", None, Some(body))
        .await
        .expect(202);
    let link = app.last_link(&email).await;
    let path = link.trim_start_matches("http://kabinet.test");
    let page = get_page(&app, path).await.expect(200);
    assert!(page.text.contains("Подтвердить"));
    let csrf = {
        let i = page.text.find("name=\"csrf\" value=\"").unwrap() + 19;
        page.text[i..i + page.text[i..].find('"').unwrap()].to_owned()
    };
    let q: std::collections::HashMap<String, String> = url::Url::parse(&link)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let r = app
        .client
        .post(format!("{}/login/code", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("flow", &q["flow"]),
            ("code", &q["code"]),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let me = app.get("/me", None).await.expect(200).json();
    assert_eq!(me["first_name"], "Иван");
}

#[tokio::test]
async fn registering_a_taken_email_answers_the_same_and_warns_the_owner() {
    let app = spawn_app().await;
    let taken = new_email();
    app.register(&taken, PASSWORD).await;
    app.advance(3600);
    let fresh = new_email();
    let mut answers = Vec::new();
    for email in [&taken, &fresh] {
        let r = app
            .api(Method::POST, "/auth/register", None, Some(json!({"first_name":"Олег","last_name":"Орлов","email":email,"password":"another pass 42"})))
            .await;
        let mut headers: Vec<String> = r
            .headers
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "date" | "x-request-id"))
            .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap()))
            .collect();
        headers.sort();
        let mut body = r.json();
        body["flow_id"] = json!("…");
        answers.push((r.status, headers, body));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, 202);
    let letter = app.outbox(&taken).await.pop().unwrap();
    assert!(
        letter.get("code").is_none(),
        "no code to the owner: {letter}"
    );
    assert!(letter["text"].as_str().unwrap().contains("уже есть"));
}

#[tokio::test]
async fn weak_passwords_and_bad_names_are_refused() {
    let app = spawn_app().await;
    for (password, code) in [
        ("short7!", "password_too_short"),
        ("qwerty123", "password_common"),
        ("PASSWORD1", "password_common"),
        (&"x".repeat(129) as &str, "password_too_long"),
    ] {
        let r = app
            .api(Method::POST, "/auth/register", None, Some(json!({"first_name":"А","last_name":"Б","email":new_email(),"password":password})))
            .await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (400, code.to_owned()),
            "{password}"
        );
    }
    // Eight characters of any script pass.
    let r = app
        .api(
            Method::POST,
            "/auth/register",
            None,
            Some(
                json!({"first_name":"А","last_name":"Б","email":new_email(),"password":"ёжик в т"}),
            ),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let r = app
        .api(
            Method::POST,
            "/auth/register",
            None,
            Some(
                json!({"first_name":"<b>","last_name":"Б","email":new_email(),"password":PASSWORD}),
            ),
        )
        .await;
    assert_eq!(r.code(), "invalid_name");
}

#[tokio::test]
async fn wrong_password_and_unknown_login_get_one_answer() {
    let app = spawn_app().await;
    let email = new_email();
    app.register(&email, PASSWORD).await;
    let wrong = password_sign_in(&app, &email, "not the password")
        .await
        .expect(401);
    let unknown = password_sign_in(&app, &new_email(), PASSWORD)
        .await
        .expect(401);
    let phone = password_sign_in(&app, "+7 916 000-00-00", PASSWORD)
        .await
        .expect(401);
    for r in [&wrong, &unknown, &phone] {
        assert_eq!(r.code(), "invalid_credentials");
        assert_eq!(r.json()["error"]["message"], "Неверный логин или пароль.");
    }
}

#[tokio::test]
async fn five_failures_in_a_row_require_the_captcha() {
    let app = spawn_app().await;
    let email = new_email();
    app.register(&email, PASSWORD).await;
    for login in [email.clone(), new_email()] {
        for _ in 0..5 {
            password_sign_in(&app, &login, "wrong password!")
                .await
                .expect(401);
        }
        let r = password_sign_in(&app, &login, PASSWORD).await.expect(400);
        assert_eq!(
            r.code(),
            "captcha_required",
            "known or not, the same: {login}"
        );
    }
    let (id, answer) = app.captcha().await;
    let with = |id: &str, answer: &str, password: &str| json!({"login": email, "password": password, "captcha_id": id, "captcha_answer": answer});
    let r = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(with(&id, "nope", PASSWORD)),
        )
        .await;
    assert_eq!(r.code(), "invalid_captcha");
    // A captcha is single use, even after a wrong answer.
    let r = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(with(&id, &answer, PASSWORD)),
        )
        .await;
    assert_eq!(r.code(), "invalid_captcha");
    // Expired after 10 minutes; answers ignore case.
    let (id, answer) = app.captcha().await;
    app.advance(601);
    let r = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(with(&id, &answer, PASSWORD)),
        )
        .await;
    assert_eq!(r.code(), "invalid_captcha");
    let (id, answer) = app.captcha().await;
    let r = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(with(&id, &answer.to_lowercase(), PASSWORD)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Success resets the count.
    password_sign_in(&app, &email, PASSWORD).await.expect(200);
}

#[tokio::test]
async fn failures_count_per_account_fade_after_an_hour_and_a_code_resets_them() {
    let app = spawn_app().await;
    let email = new_email();
    let (token, _) = app.register(&email, PASSWORD).await;
    // The account's phone and email count together.
    let phone = new_phone();
    let (flow, _) = {
        let r = app
            .api(
                Method::POST,
                "/me/phone",
                Some(&token),
                Some(json!({"phone": phone, "channel": "sms"})),
            )
            .await
            .expect(202);
        (r.json()["flow_id"].as_str().unwrap().to_owned(), ())
    };
    let code = app.last_code(&phone).await;
    app.api(
        Method::POST,
        "/me/phone/confirm",
        Some(&token),
        Some(json!({"flow_id": flow, "code": code})),
    )
    .await
    .expect(204);
    for login in [&email, &email, &email, &phone, &phone] {
        password_sign_in(&app, login, "не тот пароль")
            .await
            .expect(401);
    }
    let r = password_sign_in(&app, &email, PASSWORD).await.expect(400);
    assert_eq!(
        r.code(),
        "captcha_required",
        "five failures across phone and email"
    );
    // An hour without failures: they fade.
    app.advance(3601);
    password_sign_in(&app, &phone, "не тот пароль")
        .await
        .expect(401);
    password_sign_in(&app, &email, PASSWORD).await.expect(200);
    // A code sign-in resets them too: a stranger's failures never lock the owner out.
    for _ in 0..5 {
        password_sign_in(&app, &email, "не тот пароль")
            .await
            .expect(401);
    }
    assert_eq!(
        password_sign_in(&app, &email, PASSWORD).await.code(),
        "captcha_required"
    );
    app.advance(61);
    let (flow, code) = app.code_for("email", &email).await;
    app.verify(&flow, &code).await.expect(200);
    password_sign_in(&app, &email, PASSWORD).await.expect(200);
}

#[tokio::test]
async fn a_phone_customer_sets_a_password_with_a_fresh_sign_in() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    app.advance(61);
    let (other, _) = app.sign_in(&phone).await;
    app.api(
        Method::POST,
        "/me/password",
        Some(&token),
        Some(json!({"password": "123"})),
    )
    .await
    .expect(400);
    app.api(
        Method::POST,
        "/me/password",
        Some(&token),
        Some(json!({"password": PASSWORD})),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get("/me", Some(&other)).await.status,
        401,
        "other sessions end"
    );
    app.get("/me", Some(&token)).await.expect(200);
    let typed = format!(
        "8 ({}) {}-{}-{}",
        &phone[2..5],
        &phone[5..8],
        &phone[8..10],
        &phone[10..12]
    );
    password_sign_in(&app, &typed, PASSWORD).await.expect(200);
    // Sixteen minutes later the session is no longer fresh enough.
    app.advance(16 * 60);
    let r = app
        .api(
            Method::POST,
            "/me/password",
            Some(&token),
            Some(json!({"password": "a new long one 7"})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (403, "reauth_required".into())
    );
}

#[tokio::test]
async fn raising_the_argon2_cost_rehashes_at_the_next_sign_in() {
    let cheap = spawn_app_with(|c| {
        c.password.memory_kib = 8192;
        c.password.iterations = 1;
    })
    .await;
    let email = new_email();
    let (_, id) = cheap.register(&email, PASSWORD).await;
    let hash = |app: &TestApp| {
        let db = app.state.db.clone();
        let id = id.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT password_hash FROM customers WHERE id = $1")
                .bind(&id)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let before = hash(&cheap).await;
    assert!(
        before.starts_with("$argon2id$") && before.contains("m=8192,t=1"),
        "{before}"
    );
    let url = cheap.state.config.database_url.clone();
    let strong = spawn_app_with(move |c| c.database_url = url).await;
    password_sign_in(&strong, &email, PASSWORD)
        .await
        .expect(200);
    let after = hash(&strong).await;
    assert!(after.contains("m=19456,t=2,p=1"), "{after}");
    password_sign_in(&strong, &email, PASSWORD)
        .await
        .expect(200);
}
