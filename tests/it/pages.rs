//! The Russian site, driven as a browser without JavaScript would: forms, redirects, cookies.

use crate::support::*;
use reqwest::Method;

#[tokio::test]
async fn home_page_greets_guests_with_sign_in_and_security_headers() {
    let app = spawn_app().await;
    let r = get_page(&app, "/").await.expect(200);
    assert!(r.text.contains("Войти"));
    assert!(r.text.contains("<html lang=\"ru\">"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(r.header("referrer-policy").is_some());
    assert!(r.header("x-request-id").is_some());
    let cookie = r.header("set-cookie").unwrap();
    assert!(
        cookie.starts_with("kabinet_csrf=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
    );
}

#[tokio::test]
async fn sign_in_by_phone_shows_profile_menu_and_sign_out_ends_it() {
    let app = spawn_app().await;
    let phone = new_phone();
    let typed = format!(
        "8 ({}) {}-{}-{}",
        &phone[2..5],
        &phone[5..8],
        &phone[8..10],
        &phone[10..12]
    );
    sign_in_by_pages(&app, "/account", &typed, &phone).await;
    let account = get_page(&app, "/account").await.expect(200);
    assert!(account.text.contains(&kabinet::auth::format_phone(&phone)));
    assert!(
        account.text.contains("Профиль"),
        "a new account has no name yet"
    );
    assert!(account.text.contains("Личный кабинет") && account.text.contains("Выход"));
    let csrf = csrf_of(&account.text);
    let r = post_form(&app, "/logout", &[("csrf", &csrf)])
        .await
        .expect(303);
    assert_eq!(r.header("location").as_deref(), Some("/"));
    let home = get_page(&app, "/").await.expect(200);
    assert!(home.text.contains("Войти") && !home.text.contains("Выход"));
    let r = get_page(&app, "/account").await.expect(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/login?next=%2Faccount")
    );
}

#[tokio::test]
async fn the_header_greets_a_named_customer_by_their_chosen_form() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    sign_in_by_pages(&app, "/account", "+7 999 000-00-01", "+79990000001").await;
    let account = get_page(&app, "/account").await.expect(200);
    assert!(
        account.text.contains("Игорь Валерьянович"),
        "{}",
        account.text
    );
    assert!(account.text.contains("Демидов Игорь Валерьянович"));
}

#[tokio::test]
async fn sign_in_by_email_page() {
    let app = spawn_app().await;
    let login = get_page(&app, "/login?by=email").await.expect(200);
    assert!(login.text.contains("Электронная почта"));
    assert!(
        get_page(&app, "/login")
            .await
            .text
            .contains("Войти по почте")
    );
    let csrf = csrf_of(&login.text);
    let email = new_email();
    let r = post_form(
        &app,
        "/login",
        &[("csrf", &csrf), ("by", "email"), ("email", &email)],
    )
    .await
    .expect(303);
    let location = r.header("location").unwrap();
    let flow = location
        .split("flow=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let code_page = get_page(&app, &location).await.expect(200);
    assert!(
        !code_page.text.contains("Позвонить"),
        "no calls to an email"
    );
    let code = app.last_code(&email).await;
    post_form(
        &app,
        "/login/code",
        &[("csrf", &csrf), ("flow", &flow), ("code", &code)],
    )
    .await
    .expect(303);
    assert!(
        get_page(&app, "/account")
            .await
            .expect(200)
            .text
            .contains(&email)
    );
}

#[tokio::test]
async fn code_page_shows_errors_resend_wait_and_the_call_button() {
    let app = spawn_app().await;
    let phone = new_phone();
    let login = get_page(&app, "/login").await;
    let csrf = csrf_of(&login.text);
    let r = post_form(&app, "/login", &[("csrf", &csrf), ("phone", "12")])
        .await
        .expect(400);
    assert!(r.text.contains("role=\"alert\"") && r.text.contains("мобильного"));
    let r = post_form(&app, "/login", &[("csrf", &csrf), ("phone", &phone)])
        .await
        .expect(303);
    let location = r.header("location").unwrap();
    let flow = location
        .split("flow=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let code_page = get_page(&app, &location).await.expect(200);
    assert!(code_page.text.contains("Позвонить"));
    assert!(code_page.text.contains("через 60 с"), "resend countdown");
    // Too early for a call: the page says when.
    let r = post_form(&app, "/login/call", &[("csrf", &csrf), ("flow", &flow)])
        .await
        .expect(429);
    assert!(r.text.contains("через 60 с"), "{}", r.text);
    let r = post_form(
        &app,
        "/login/code",
        &[("csrf", &csrf), ("flow", &flow), ("code", "000 000")],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("Неверный код") || r.text.contains("устарел"));
    // The language switch on the re-shown page leads back to the code page, not to the form post.
    assert!(
        r.text
            .contains(&format!("/lang/en?back=%2Flogin%2Fcode%3Fflow%3D{flow}")),
        "{}",
        r.text
    );
    let r = get_page(&app, "/login/code").await.expect(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/login?next=%2Faccount")
    );
    app.advance(60);
    let r = post_form(&app, "/login/call", &[("csrf", &csrf), ("flow", &flow)])
        .await
        .expect(303);
    let call_page = get_page(&app, &r.header("location").unwrap())
        .await
        .expect(200);
    assert!(call_page.text.contains("позвонит"));
    assert_eq!(app.outbox(&phone).await.pop().unwrap()["channel"], "voice");
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_are_refused() {
    let app = spawn_app().await;
    get_page(&app, "/login").await.expect(200);
    let r = post_form(&app, "/login", &[("phone", &new_phone())]).await;
    assert_eq!(r.status, 403);
    assert!(r.text.contains("Страница устарела"));
    let r = post_form(
        &app,
        "/login",
        &[
            ("csrf", "forged-forged-forged-forged-forged-forged"),
            ("phone", &new_phone()),
        ],
    )
    .await;
    assert_eq!(r.status, 403);
    let csrf = csrf_of(&get_page(&app, "/login").await.text);
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str()), ("phone", new_phone().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Behind a proxy that rewrites Host, the configured public origin is still ours.
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .header("origin", "http://kabinet.test")
        .form(&[("csrf", csrf.as_str()), ("phone", new_phone().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = app
        .send(
            Method::POST,
            "/auth/logout",
            None,
            None,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "cross_origin".into()));
}

#[tokio::test]
async fn security_page_lists_sessions_and_ends_them() {
    let app = spawn_app().await;
    let phone = new_phone();
    // Another device, signed in through the API with its own (cookie-less) client.
    let (flow, code) = app.code_for("sms", &phone).await;
    let other = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/codes/verify", app.base))
        .json(&serde_json::json!({"flow_id": flow, "code": code}))
        .send()
        .await
        .unwrap();
    let other_token = other.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.advance(61);
    sign_in_by_pages(&app, "/account", &phone, &phone).await;
    let sec = get_page(&app, "/account/security").await.expect(200);
    assert!(sec.text.contains("Безопасность"));
    assert!(sec.text.contains("Это устройство"));
    assert_eq!(sec.text.matches("data-session=").count(), 2);
    assert!(sec.text.contains("Выйти на всех устройствах"));
    assert!(sec.text.contains("Вход"), "history lists the sign-ins");
    let csrf = csrf_of(&sec.text);
    post_form(&app, "/account/sessions/end-others", &[("csrf", &csrf)])
        .await
        .expect(303);
    assert_eq!(app.get("/me", Some(&other_token)).await.status, 401);
    let sec = get_page(&app, "/account/security").await.expect(200);
    assert_eq!(sec.text.matches("data-session=").count(), 1);
    post_form(&app, "/account/logout-all", &[("csrf", &csrf)])
        .await
        .expect(303);
    assert_eq!(get_page(&app, "/account/security").await.status, 303);
}

#[tokio::test]
async fn english_by_accept_language_or_the_footer_switch() {
    let app = spawn_app().await;
    let r = app
        .send(
            Method::GET,
            &format!("{}/login", app.base),
            None,
            None,
            &[("accept-language", "en-US,en;q=0.9")],
        )
        .await;
    assert!(r.text.contains("Sign in") && r.text.contains("Phone") && r.text.contains("Get code"));
    assert!(get_page(&app, "/").await.text.contains("English"));
    let r = get_page(&app, "/lang/en?back=%2Flogin").await.expect(303);
    assert_eq!(r.header("location").as_deref(), Some("/login"));
    assert!(
        get_page(&app, "/login")
            .await
            .text
            .contains("Sign in by email")
    );
    let r = get_page(&app, "/lang/en?back=https%3A%2F%2Fevil.example")
        .await
        .expect(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/account"),
        "no open redirect"
    );
    get_page(&app, "/lang/ru").await.expect(303);
    assert!(
        get_page(&app, "/login")
            .await
            .text
            .contains("Войти по почте")
    );
}

#[tokio::test]
async fn errors_are_friendly_pages_for_people_and_json_for_apps() {
    let app = spawn_app().await;
    let r = get_page(&app, "/no-such-page").await.expect(404);
    assert!(r.text.contains("Страница не найдена") && r.text.contains("<html"));
    let r = app.get("/no-such-call", None).await.expect(404);
    assert_eq!(r.code(), "not_found");
    let r = app
        .api(Method::PUT, "/auth/codes", None, None)
        .await
        .expect(405);
    assert_eq!(r.code(), "method_not_allowed");
    let r = app.api(Method::GET, "/me", None, None).await.expect(401);
    assert_eq!(r.json()["error"]["message"], "Нужно войти.");
}

#[tokio::test]
async fn openapi_document_and_docs_page_list_the_routes() {
    let app = spawn_app().await;
    let doc = app.get("/openapi.json", None).await.expect(200).json();
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'));
    for path in [
        "/auth/codes",
        "/auth/codes/verify",
        "/auth/logout",
        "/auth/logout-all",
        "/sessions",
        "/sessions/{id}",
        "/me",
        "/dev/outbox",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let docs = get_page(&app, "/api/docs").await.expect(200);
    assert!(docs.text.contains("/api/v1/auth/codes/verify"));
}
