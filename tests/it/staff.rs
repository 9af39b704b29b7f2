//! The staff console's own accounts (issue 12, SECURITY 31): enrolment with a TOTP computed
//! from the `otpauth://` URI, sign-in with password + code (each code once), sessions that
//! never mix with customers', roles, disabling, and the audit trail.

use crate::support::staff::STAFF_PASSWORD;
use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_member_enrols_and_signs_in_with_a_code_that_works_once() {
    let app = spawn_app().await;
    let email = new_email();
    let token = app.invite_staff(&email, "support").await;
    // Before the password there is no secret to confirm.
    app.api(
        Method::POST,
        &format!("/staff/enrol/{token}/confirm"),
        None,
        Some(json!({"totp": "123456"})),
    )
    .await
    .expect(409);
    let weak = app
        .api(
            Method::POST,
            &format!("/staff/enrol/{token}"),
            None,
            Some(json!({"password": "short"})),
        )
        .await
        .expect(400);
    assert_eq!(weak.code(), "password_too_short");
    let totp = app.enrol_staff(&token).await;
    // The link is used up.
    let again = app
        .api(
            Method::POST,
            &format!("/staff/enrol/{token}"),
            None,
            Some(json!({"password": STAFF_PASSWORD})),
        )
        .await
        .expect(404);
    assert_eq!(again.code(), "enrolment_link_invalid");

    app.advance(30);
    let code = app.totp_now(&totp);
    let body = json!({"email": email, "password": STAFF_PASSWORD, "totp": code});
    let ok = app
        .api(Method::POST, "/staff/sessions", None, Some(body.clone()))
        .await
        .expect(200);
    assert_eq!(ok.json()["role"], "support");
    let staff_token = ok.json()["token"].as_str().unwrap().to_owned();
    let me = app.get("/staff/me", Some(&staff_token)).await.expect(200);
    assert_eq!(me.json()["email"], email.as_str());
    // The same code again: refused, even with the right password.
    let replay = app
        .api(Method::POST, "/staff/sessions", None, Some(body))
        .await
        .expect(401);
    assert_eq!(replay.code(), "staff_sign_in_failed");
    // A wrong code, or a wrong password with the next code: the same refusal.
    app.advance(30);
    let wrong = app
        .api(
            Method::POST,
            "/staff/sessions",
            None,
            Some(json!({"email": email, "password": STAFF_PASSWORD, "totp": "000000"})),
        )
        .await;
    assert_eq!(wrong.status, 401);
    let next = app.totp_now(&totp);
    app.api(
        Method::POST,
        "/staff/sessions",
        None,
        Some(json!({"email": email, "password": "Wrong-Pass-2026!", "totp": next})),
    )
    .await
    .expect(401);
}

#[tokio::test]
async fn staff_and_customer_tokens_never_open_each_others_doors() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    let (customer, _) = app.sign_in(&new_phone()).await;
    // A staff token is not a customer session, on the API or on pages.
    app.get("/me", Some(&admin.token)).await.expect(401);
    app.get("/cart", Some(&admin.token)).await;
    let orders = app.get("/orders", Some(&admin.token)).await;
    assert_eq!(orders.status, 401);
    // A customer token is not a staff session.
    app.get("/staff/me", Some(&customer)).await.expect(401);
    app.get("/staff/audit", Some(&customer)).await.expect(401);
    let page = app
        .client
        .get(format!("{}/staff/audit", app.base))
        .header("cookie", format!("kabinet_session={customer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/staff/login"),
        "a customer cookie is sent to the staff sign-in"
    );
    // And the staff cookie does not sign anyone in on the shop's pages.
    let shop = app
        .client
        .get(format!("{}/account", app.base))
        .header("cookie", format!("kabinet_staff={}", admin.token))
        .send()
        .await
        .unwrap();
    assert_eq!(shop.status(), 303);
}

#[tokio::test]
async fn each_role_reaches_its_own_areas_only() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    let support = app.staff("support").await;
    let moderator = app.staff("moderator").await;
    for path in ["/staff/audit", "/staff/members"] {
        app.get(path, Some(&admin.token)).await.expect(200);
        for m in [&support, &moderator] {
            let r = app.get(path, Some(&m.token)).await.expect(403);
            assert_eq!(r.code(), "forbidden_role");
        }
    }
    let invite = json!({"email": new_email(), "role": "admin"});
    app.api(
        Method::POST,
        "/staff/members",
        Some(&support.token),
        Some(invite.clone()),
    )
    .await
    .expect(403);
    app.api(
        Method::POST,
        "/staff/members",
        Some(&admin.token),
        Some(invite),
    )
    .await
    .expect(201);
    app.api(Method::POST, "/staff/logout", Some(&support.token), None)
        .await
        .expect(204);
    app.get("/staff/me", Some(&support.token)).await.expect(401);
    let audit = app.get("/staff/audit", Some(&admin.token)).await.json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for action in ["staff_added", "staff_enrolled", "sign_in", "sign_out"] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn a_disabled_member_is_signed_out_at_once_and_every_action_is_audited() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    let support = app.staff("support").await;
    app.get("/staff/me", Some(&support.token)).await.expect(200);
    let members = app
        .get("/staff/members", Some(&admin.token))
        .await
        .expect(200);
    let id = members.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == support.email.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Not one's own role, nor one's own access.
    let admin_id = app.get("/staff/me", Some(&admin.token)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = app
        .api(
            Method::POST,
            &format!("/staff/members/{admin_id}/disable"),
            Some(&admin.token),
            None,
        )
        .await
        .expect(409);
    assert_eq!(own.code(), "staff_self");
    app.api(
        Method::POST,
        &format!("/staff/members/{id}/role"),
        Some(&admin.token),
        Some(json!({"role": "moderator"})),
    )
    .await
    .expect(204);
    app.api(
        Method::POST,
        &format!("/staff/members/{id}/disable"),
        Some(&admin.token),
        None,
    )
    .await
    .expect(204);
    app.get("/staff/me", Some(&support.token)).await.expect(401);
    // Nor can they sign in again.
    app.advance(30);
    let code = app.totp_now(&support.totp);
    app.api(
        Method::POST,
        "/staff/sessions",
        None,
        Some(json!({"email": support.email, "password": STAFF_PASSWORD, "totp": code})),
    )
    .await
    .expect(401);
    let audit = app
        .get("/staff/audit", Some(&admin.token))
        .await
        .expect(200);
    let rows = audit.json()["items"].as_array().unwrap().clone();
    let has = |action: &str, target: &str| {
        rows.iter().any(|r| {
            r["action"] == action && r["target"] == target && r["staff"] == admin.email.as_str()
        })
    };
    assert!(has("staff_role_changed", &support.email), "{rows:?}");
    assert!(has("staff_disabled", &support.email), "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r["action"] == "sign_in" && r["staff"] == support.email.as_str())
    );
    assert!(
        rows.iter()
            .all(|r| r["at"].as_str().is_some() && r["ip"].as_str().is_some())
    );
}

#[tokio::test]
async fn staff_sessions_end_after_thirty_idle_minutes_and_twelve_hours() {
    let app = spawn_app().await;
    let m = app.staff("support").await;
    app.advance(29 * 60);
    app.get("/staff/me", Some(&m.token)).await.expect(200);
    app.advance(31 * 60);
    app.get("/staff/me", Some(&m.token)).await.expect(401);
    let token = app.staff_sign_in(&m.email, &m.totp).await;
    // Busy all day: 25 × 29 minutes is past 12 hours.
    for _ in 0..24 {
        app.advance(29 * 60);
        app.get("/staff/me", Some(&token)).await.expect(200);
    }
    app.advance(29 * 60);
    app.get("/staff/me", Some(&token)).await.expect(401);
}

#[tokio::test]
async fn a_hundred_sign_ins_with_one_code_make_one_session() {
    let app = spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let m = app.staff("admin").await;
    app.advance(30);
    let code = app.totp_now(&m.totp);
    let body = json!({"email": m.email, "password": STAFF_PASSWORD, "totp": code});
    let answers = all_at_once(
        (0..100)
            .map(|i| {
                let body = body.clone();
                let ip = client_ip(i);
                let app = &app;
                async move {
                    app.send(
                        Method::POST,
                        "/staff/sessions",
                        None,
                        Some(body),
                        &[("x-forwarded-for", ip.as_str())],
                    )
                    .await
                }
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1, "one code, one session");
}

#[tokio::test]
async fn enrolment_and_sign_in_work_in_the_console_pages() {
    let app = spawn_app().await;
    let email = new_email();
    let token = app.invite_staff(&email, "admin").await;
    let form = get_page(&app, &format!("/staff/enrol/{token}")).await;
    let csrf = csrf_of(&form.text);
    let step2 = post_form(
        &app,
        &format!("/staff/enrol/{token}"),
        &[("csrf", &csrf), ("password", STAFF_PASSWORD)],
    )
    .await
    .expect(200);
    assert!(
        step2.text.contains("<svg"),
        "the QR code is drawn by the server"
    );
    let secret_at = step2.text.find("data-testid=\"totp-uri\" ").is_some()
        || step2.text.contains("otpauth://totp/");
    assert!(secret_at);
    let uri_start = step2.text.find("otpauth://totp/").unwrap();
    let uri_end = uri_start + step2.text[uri_start..].find('"').unwrap();
    let uri = step2.text[uri_start..uri_end].replace("&amp;", "&");
    let totp = kabinet::staff::totp::Totp::from_uri(&uri).expect("the page's URI");
    // A wrong code: the same QR (the secret already scanned), with the error.
    let wrong = post_form(
        &app,
        &format!("/staff/enrol/{token}/confirm"),
        &[("csrf", &csrf), ("totp", "000000")],
    )
    .await
    .expect(400);
    assert!(wrong.text.contains("enrol-error"));
    assert!(
        wrong.text.contains(&totp.secret_base32()),
        "the same secret again"
    );
    let done = post_form(
        &app,
        &format!("/staff/enrol/{token}/confirm"),
        &[("csrf", &csrf), ("totp", &app.totp_now(&totp))],
    )
    .await
    .expect(303);
    assert_eq!(
        done.header("location").unwrap(),
        "/staff/login?done=enrolled"
    );
    app.advance(30);
    let login = get_page(&app, "/staff/login").await;
    let csrf = csrf_of(&login.text);
    let signed = post_form(
        &app,
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("email", &email),
            ("password", STAFF_PASSWORD),
            ("totp", &app.totp_now(&totp)),
            ("next", "/staff/members"),
        ],
    )
    .await
    .expect(303);
    assert_eq!(signed.header("location").unwrap(), "/staff/members");
    let enrolled = get_page(&app, "/staff/login?done=enrolled").await;
    assert!(enrolled.text.contains("staff-enrolled"));
    let cookie = signed.header("set-cookie").unwrap();
    assert!(cookie.starts_with("kabinet_staff="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let members = get_page(&app, "/staff/members").await.expect(200);
    assert!(members.text.contains(&email));
    // A form without the session's CSRF token is refused.
    let forged = post_form(&app, "/staff/logout", &[("csrf", "forged")]).await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn housekeeping_deletes_idle_staff_sessions_and_expired_enrolment_links() {
    let app = spawn_app().await;
    let m = app.staff("support").await;
    let pending = new_email();
    app.invite_staff(&pending, "support").await;
    let sessions = "SELECT COUNT(*) FROM staff_sessions s JOIN staff_members m ON m.id = s.staff_id WHERE m.email = $1";
    let links = "SELECT COUNT(*) FROM staff_enrolments e JOIN staff_members m ON m.id = e.staff_id WHERE m.email = $1";
    assert_eq!(app.scalar_i64(sessions, &m.email).await, 1);
    assert_eq!(app.scalar_i64(links, &pending).await, 1);
    app.advance(31 * 60);
    kabinet::housekeeping::sweep(&app.state).await.unwrap();
    assert_eq!(app.scalar_i64(sessions, &m.email).await, 0, "idle: gone");
    assert_eq!(
        app.scalar_i64(links, &pending).await,
        1,
        "the link has 24 hours"
    );
    app.advance(24 * 3600);
    kabinet::housekeeping::sweep(&app.state).await.unwrap();
    assert_eq!(app.scalar_i64(links, &pending).await, 0);
}

#[tokio::test]
async fn a_member_who_lost_the_authenticator_enrols_again_from_a_new_link() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    let m = app.staff("support").await;
    let members = app.get("/staff/members", Some(&admin.token)).await.json();
    let id = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["email"] == m.email.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.api(
        Method::POST,
        &format!("/staff/members/{id}/enrolment"),
        Some(&admin.token),
        None,
    )
    .await
    .expect(204);
    let first = app.last_link(&m.email).await;
    // A second link voids the first: one live link per member.
    app.api(
        Method::POST,
        &format!("/staff/members/{id}/enrolment"),
        Some(&admin.token),
        None,
    )
    .await
    .expect(204);
    let link = app.last_link(&m.email).await;
    assert_ne!(first, link);
    let first_token = first.rsplit('/').next().unwrap();
    app.api(
        Method::POST,
        &format!("/staff/enrol/{first_token}"),
        None,
        Some(json!({"password": "Another-Pass-2026!"})),
    )
    .await
    .expect(404);
    let token = link.rsplit('/').next().unwrap().to_owned();
    // Whoever holds the link proposes a password; it is not the member's until a code of the
    // new secret confirms it: the old password and app still sign in.
    app.api(
        Method::POST,
        &format!("/staff/enrol/{token}"),
        None,
        Some(json!({"password": "Another-Pass-2026!"})),
    )
    .await
    .expect(200);
    app.staff_sign_in(&m.email, &m.totp).await;
    let fresh = app.enrol_staff(&token).await;
    // The old session ended with the old secret; the old app's codes no longer work.
    app.get("/staff/me", Some(&m.token)).await.expect(401);
    app.advance(30);
    let old_code = app.totp_now(&m.totp);
    let new_code = app.totp_now(&fresh);
    assert_ne!(old_code, new_code);
    app.api(
        Method::POST,
        "/staff/sessions",
        None,
        Some(json!({"email": m.email, "password": STAFF_PASSWORD, "totp": old_code})),
    )
    .await
    .expect(401);
    app.staff_sign_in(&m.email, &fresh).await;
}

#[tokio::test]
async fn searches_by_contact_are_audited_with_the_contact_masked() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    let support = app.staff("support").await;
    let phone = new_phone();
    app.sign_in(&phone).await;
    for path in [
        format!("/staff/customers?q={}", urlencode(&phone)),
        format!("/staff/orders?q={}", urlencode(&phone)),
    ] {
        app.get(&path, Some(&support.token)).await.expect(200);
    }
    let audit = app
        .get("/staff/audit?limit=100", Some(&admin.token))
        .await
        .json();
    let rows = audit["items"].as_array().unwrap();
    for action in ["customers_searched", "orders_searched"] {
        let row = rows
            .iter()
            .find(|r| r["action"] == action)
            .unwrap_or_else(|| panic!("{action}: {rows:?}"));
        let detail = row["detail"].as_str().unwrap();
        assert!(
            detail.contains("***") && !detail.contains(&phone[4..]),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn customers_are_found_by_their_full_name_however_it_is_typed() {
    let app = spawn_app().await;
    let support = app.staff("support").await;
    let (customer, _) = app.sign_in(&new_phone()).await;
    app.api(
        Method::PATCH,
        "/me",
        Some(&customer),
        Some(json!({"first_name": "Ульяна", "last_name": "Кондратьева"})),
    )
    .await
    .expect(200);
    for typed in [
        "Кондратьева Ульяна",
        "кондратьева ульяна",
        "КОНДРАТЬЕВА",
        "ульяна",
    ] {
        let found = app
            .get(
                &format!("/staff/customers?q={}", urlencode(typed)),
                Some(&support.token),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(
            found["items"].as_array().unwrap().len(),
            1,
            "{typed}: {found}"
        );
    }
}
