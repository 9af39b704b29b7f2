//! Sessions and sign-out (SECURITY 18–22, 30): tokens, cookies, expiry, and one customer never
//! reaching another's sessions.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn the_token_works_as_bearer_and_as_cookie() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    let r = app.verify(&flow, &code).await.expect(200);
    let cookie = r.header("set-cookie").expect("session cookie");
    assert!(cookie.starts_with("kabinet_session="), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain-http base URL: {cookie}");
    let token = r.json()["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 43, "≥ 256 bits");
    // Cookie (the test client kept it) …
    assert_eq!(
        app.get("/me", None).await.expect(200).json()["phone"],
        phone.as_str()
    );
    // … and bearer from a client without cookies.
    let bare = reqwest::Client::new();
    let r = bare
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = bare
        .get(format!("{}/api/v1/me", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = bare
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth("forged-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn https_base_url_makes_the_cookie_secure_and_host_prefixed() {
    let app = spawn_app_with(|c| c.base_url = Some("https://shop.example".into())).await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    let r = app.verify(&flow, &code).await.expect(200);
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-kabinet_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    let text = app.outbox(&phone).await.pop().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.ends_with(&format!("@shop.example #{code}")), "{text}");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    app.advance(61);
    let (other, _) = app.sign_in(&phone).await;
    let r = app
        .api(Method::POST, "/auth/logout", Some(&token), None)
        .await
        .expect(204);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(app.get("/me", Some(&token)).await.status, 401);
    assert_eq!(
        app.api(Method::POST, "/auth/logout", Some(&token), None)
            .await
            .status,
        401
    );
    // The other device stays signed in.
    app.get("/me", Some(&other)).await.expect(200);
}

/// SECURITY 21 with the session cache on (PostgreSQL; on SQLite every request reads the
/// database): a node that answers a session from memory refuses it the moment this node or
/// another one ends it, and shows at once a profile changed on another node.
#[tokio::test]
async fn a_session_ended_on_one_node_is_refused_at_once_by_every_node() {
    let a = spawn_app().await;
    let b = a.second_node().await;
    a.sessions.in_use().await;
    b.sessions.in_use().await;
    let cached = !kabinet::db::is_sqlite_pool(&a.state.db);
    for round in 0..12 {
        let (token, _) = a.sign_in(&new_phone()).await;
        for node in [&a, &b] {
            node.get("/me", Some(&token)).await.expect(200);
            node.get("/me", Some(&token)).await.expect(200);
            assert_eq!(node.sessions.remembers(&token), cached, "round {round}");
        }
        let name = ["Анна", "Борис", "Вера", "Глеб"][round % 4];
        let (one, other) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
        one.api(
            Method::PATCH,
            "/me",
            Some(&token),
            Some(json!({ "first_name": name })),
        )
        .await
        .expect(200);
        let me = other.get("/me", Some(&token)).await.expect(200).json();
        assert_eq!(me["first_name"], name, "round {round}");
        other.get("/me", Some(&token)).await.expect(200);
        one.api(Method::POST, "/auth/logout", Some(&token), None)
            .await
            .expect(204);
        assert_eq!(
            other.get("/me", Some(&token)).await.status,
            401,
            "round {round}: signed out on the other node"
        );
        assert_eq!(
            one.get("/me", Some(&token)).await.status,
            401,
            "round {round}: signed out here"
        );
    }
}

#[tokio::test]
async fn logout_all_ends_every_session() {
    let app = spawn_app().await;
    let phone = new_phone();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(app.sign_in(&phone).await.0);
        app.advance(241);
    }
    let stranger = app.sign_in(&new_phone()).await.0;
    app.api(Method::POST, "/auth/logout-all", Some(&tokens[0]), None)
        .await
        .expect(204);
    for t in &tokens {
        assert_eq!(app.get("/me", Some(t)).await.status, 401);
    }
    app.get("/me", Some(&stranger)).await.expect(200);
}

#[tokio::test]
async fn sessions_list_marks_this_device_and_ends_one_or_the_others() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (a, _) = app.sign_in(&phone).await;
    app.advance(61);
    let (b, _) = app.sign_in(&phone).await;
    app.advance(121);
    let (c, _) = app.sign_in(&phone).await;
    let list = app.get("/sessions", Some(&a)).await.expect(200).json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(list["next_cursor"], serde_json::Value::Null);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    for s in items {
        for key in ["id", "device", "ip", "created_at", "last_seen_at"] {
            assert!(s.get(key).is_some(), "{key}");
        }
        assert!(s["created_at"].as_str().unwrap().ends_with('Z'));
    }
    let id_of = |list: &serde_json::Value, current: bool| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["current"] == current)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let b_id = id_of(&app.get("/sessions", Some(&b)).await.json(), true);
    app.api(Method::DELETE, &format!("/sessions/{b_id}"), Some(&a), None)
        .await
        .expect(204);
    assert_eq!(app.get("/me", Some(&b)).await.status, 401);
    app.get("/me", Some(&c)).await.expect(200);
    // End all the others: only the current one remains.
    app.api(Method::DELETE, "/sessions", Some(&a), None)
        .await
        .expect(204);
    assert_eq!(app.get("/me", Some(&c)).await.status, 401);
    let list = app.get("/sessions", Some(&a)).await.expect(200).json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn another_customers_sessions_are_out_of_reach() {
    let app = spawn_app().await;
    let (alice, _) = app.sign_in(&new_phone()).await;
    let (bob, _) = app.sign_in(&new_phone()).await;
    let bob_list = app.get("/sessions", Some(&bob)).await.json();
    let bob_session = bob_list["items"][0]["id"].as_str().unwrap().to_owned();
    let alice_list = app.get("/sessions", Some(&alice)).await.json();
    assert!(
        !alice_list.to_string().contains(&bob_session),
        "Alice does not see Bob's session"
    );
    let r = app
        .api(
            Method::DELETE,
            &format!("/sessions/{bob_session}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "not_found");
    app.get("/me", Some(&bob)).await.expect(200);
    let r = app
        .api(Method::DELETE, "/sessions/not-a-uuid", Some(&alice), None)
        .await;
    assert_eq!(r.status, 404);
    // Unauthenticated calls are refused with the error shape.
    let r = app
        .api(
            Method::DELETE,
            &format!("/sessions/{bob_session}"),
            Some("nope"),
            None,
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "unauthorized".into()));
}

#[tokio::test]
async fn sessions_expire_after_14_idle_days_and_30_days_in_all() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (idle, _) = app.sign_in(&phone).await;
    app.advance(61);
    let (busy, _) = app.sign_in(&phone).await;
    for _ in 0..2 {
        app.advance(13 * 86_400);
        app.get("/me", Some(&busy)).await.expect(200);
    }
    // 26 days: the idle one died after 14.
    assert_eq!(app.get("/me", Some(&idle)).await.status, 401);
    app.advance(3 * 86_400);
    app.get("/me", Some(&busy)).await.expect(200);
    app.advance(86_400);
    assert_eq!(
        app.get("/me", Some(&busy)).await.status,
        401,
        "30 days at most"
    );
}
