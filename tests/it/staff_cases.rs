//! Support-assisted recovery decided by two staff members (PRODUCT A9, SECURITY 25, 28, 31–32):
//! the customer files a case, two different members approve, the one-time link goes to the
//! new contact, and the customer sets a password there and signs in with that contact.

use crate::support::*;
use kabinet::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};

const PASSWORD: &str = "старый пароль 2026";
const NEW_PASSWORD: &str = "новый пароль 2026";
const CARD_OK: &str = "2200 0000 0000 0004";

/// A customer registered with `email` who has one paid order (card …0004, someone else
/// collects it) and one saved address. Returns (token, order number).
async fn customer_with_an_order(app: &TestApp, email: &str) -> (String, String) {
    let (token, _) = app.register(email, PASSWORD).await;
    let product = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .expect("a product in stock")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.api(
        Method::PUT,
        &format!("/cart/items/{product}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let point = moscow_point(app).await;
    let order = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
                "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}},
                "recipient": {"name": "Анна Смирнова", "phone": "+79161234567"}})),
            &[("idempotency-key", "case-order")],
        )
        .await
        .expect(201)
        .json();
    app.api(
        Method::POST,
        "/me/addresses",
        Some(&token),
        Some(json!({"address": "г. Москва, ул. Ленина, д. 5, кв. 12"})),
    )
    .await
    .expect(201);
    (token, order["number"].as_str().unwrap().to_owned())
}

/// Files a support case; returns its id.
async fn file_case(app: &TestApp, old_email: &str, new_contact: &str, evidence: Value) -> String {
    let mut body = json!({"full_name": "Смирнова Анна Петровна", "old_email": old_email,
        "new_contact": new_contact, "comment": "Потеряла доступ к почте"});
    for (k, v) in evidence.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app
        .api(Method::POST, "/support/recovery-requests", None, Some(body))
        .await
        .expect(202);
    r.json()["id"].as_str().unwrap().to_owned()
}

async fn approve(app: &TestApp, token: &str, id: &str) -> Resp {
    app.api(
        Method::POST,
        &format!("/staff/recovery-cases/{id}/approve"),
        Some(token),
        None,
    )
    .await
}

async fn audit_rows(app: &TestApp, action: &str, target: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit WHERE action = $1 AND target = $2")
        .bind(action)
        .bind(target)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

fn link_token(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn two_members_approve_and_the_customer_signs_in_with_the_new_contact() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let old_email = new_email();
    let (old_token, number) = customer_with_an_order(&app, &old_email).await;
    let new_contact = new_email();
    // One right order number, one address written differently, one wrong card.
    let id = file_case(
        &app,
        &old_email,
        &new_contact,
        json!({"order_number": format!("№ {number}"), "delivery_address": "Москва ул Ленина 5 КВ 12", "card_last4": "9999"}),
    )
    .await;
    let a = app.staff("support").await;
    let b = app.staff("support").await;

    let open = app
        .get("/staff/recovery-cases?status=open", Some(&a.token))
        .await
        .expect(200)
        .json();
    let item = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .expect("the case is open");
    assert_eq!(item["status"], "new");
    assert_eq!(item["full_name"], "Смирнова Анна Петровна");
    assert_eq!(item["old_email"], old_email.as_str());
    assert_eq!(item["new_contact"], new_contact.as_str());
    assert_eq!(item["approvals"], 0);
    assert!(item["created_at"].is_string());
    assert!(open["next_cursor"].is_null());

    let case = app
        .get(&format!("/staff/recovery-cases/{id}"), Some(&a.token))
        .await
        .expect(200);
    let c = case.json();
    assert_eq!(c["account_found"], true);
    assert_eq!(c["evidence"]["order_number"], true);
    assert_eq!(c["evidence"]["delivery_address"], true);
    assert_eq!(c["evidence"]["card_last4"], false);
    assert!(
        !case.text.contains("0004") && !case.text.contains("Ленина, д. 5"),
        "the stored values are never shown: {}",
        case.text
    );
    assert_eq!(audit_rows(&app, "recovery_case_viewed", &id).await, 1);
    // The page shows the checks.
    let html = app
        .page(&format!("/staff/recovery-cases/{id}"), Some(&a.token))
        .await;
    assert!(html.contains("check-yes") && html.contains("check-no"));
    assert!(html.contains("Одобрить"));

    // Member A approves; A again is refused; B approves.
    let r = approve(&app, &a.token, &id).await.expect(200);
    assert_eq!(r.json()["status"], "awaiting_second");
    let r = approve(&app, &a.token, &id).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "four_eyes_required".into())
    );
    let c = app
        .get(&format!("/staff/recovery-cases/{id}"), Some(&a.token))
        .await
        .json();
    assert_eq!(
        (c["approvals"].as_i64(), c["approved_by_me"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(c["first_approver"], a.email.as_str());
    let html = app
        .page(&format!("/staff/recovery-cases/{id}"), Some(&a.token))
        .await;
    assert!(
        html.contains("Нужно одобрение второго сотрудника"),
        "{html}"
    );
    assert!(
        app.outbox(&new_contact)
            .await
            .iter()
            .all(|m| m["link"].is_null()),
        "no link after one approval"
    );
    let r = approve(&app, &b.token, &id).await.expect(200);
    assert_eq!(r.json()["status"], "approved");
    let r = approve(&app, &b.token, &id).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "case_decided".into()));
    assert_eq!(audit_rows(&app, "recovery_case_approved", &id).await, 2);
    let approved = app
        .get("/staff/recovery-cases?status=approved", Some(&b.token))
        .await
        .json();
    assert_eq!(approved["items"][0]["id"], id.as_str());
    assert_eq!(approved["items"][0]["approvals"], 2);

    // The link goes to the new contact, built from the configured base URL.
    let link = app.last_link(&new_contact).await;
    assert!(
        link.starts_with(&format!("{}/recovery/", app.state.base_url)),
        "{link}"
    );
    let token = link_token(&link);
    assert!(token.len() >= 22, "at least 128 bits");
    let stored = "SELECT COUNT(*) FROM recovery_tokens WHERE token_hash = $1";
    assert_eq!(
        app.scalar_i64(stored, &token).await,
        0,
        "not stored as it is"
    );
    let hash = kabinet::domain::identity::token_hash(&token);
    assert_eq!(app.scalar_i64(stored, &hash).await, 1, "stored hashed");
    let page = app.page(&format!("/recovery/{token}"), None).await;
    assert!(
        page.contains(&new_contact),
        "the page names the new contact"
    );

    // The customer sets a password; the new email becomes the account's.
    app.api(
        Method::POST,
        &format!("/recovery/{token}/complete"),
        None,
        Some(json!({"password": NEW_PASSWORD})),
    )
    .await
    .expect(204);
    let again = app
        .api(
            Method::POST,
            &format!("/recovery/{token}/complete"),
            None,
            Some(json!({"password": "ещё один пароль 2026"})),
        )
        .await;
    assert_eq!(
        (again.status.as_u16(), again.code()),
        (404, "recovery_link_invalid".into()),
        "the link works once"
    );
    assert_eq!(
        app.get("/me", Some(&old_token)).await.status,
        401,
        "old sessions ended"
    );
    let signed = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(json!({"login": new_contact, "password": NEW_PASSWORD})),
        )
        .await
        .expect(200)
        .json();
    let token = signed["token"].as_str().unwrap().to_owned();
    let me = app.get("/me", Some(&token)).await.expect(200).json();
    assert_eq!(me["email"], new_contact.as_str());
    // The old address is told that support restored access.
    let told = app.outbox(&old_email).await;
    assert!(
        told.last().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("службу поддержки доступ к вашему аккаунту Kabinet восстановлен"),
        "{told:?}"
    );
    // Their «Безопасность» shows the staff's approval and the recovery.
    let events = app
        .get("/me/security-events", Some(&token))
        .await
        .expect(200)
        .json();
    let events = events["items"].as_array().unwrap();
    let approved = events
        .iter()
        .find(|e| e["event"] == "support_case_approved")
        .expect("the approval is in the log");
    assert_eq!(approved["actor"], "staff");
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "support_recovery_completed")
    );
    // Contact changes are on hold for 72 h.
    let hold = app
        .scalar_i64(
            "SELECT contact_hold_until FROM customers WHERE email = $1",
            &new_contact,
        )
        .await;
    assert!(hold > app.clock.now_ms() + 71 * 3_600_000);
}

#[tokio::test]
async fn a_rejected_case_tells_the_requester_the_reason() {
    let app = spawn_app().await;
    let old_email = new_email();
    app.register(&old_email, PASSWORD).await;
    let phone = new_phone();
    let id = file_case(
        &app,
        &old_email,
        &phone,
        json!({"order_number": "10023", "card_last4": "4242"}),
    )
    .await;
    let a = app.staff("support").await;
    let c = app
        .get(&format!("/staff/recovery-cases/{id}"), Some(&a.token))
        .await
        .json();
    assert_eq!(
        (
            &c["evidence"]["order_number"],
            &c["evidence"]["delivery_address"],
            &c["evidence"]["card_last4"]
        ),
        (&json!(false), &json!(null), &json!(false))
    );
    let path = format!("/staff/recovery-cases/{id}/reject");
    for (reason, code) in [
        ("  ", "reason_required"),
        (&*"я".repeat(501), "reason_too_long"),
    ] {
        let r = app
            .api(
                Method::POST,
                &path,
                Some(&a.token),
                Some(json!({"reason": reason})),
            )
            .await;
        assert_eq!((r.status.as_u16(), r.code()), (400, code.to_owned()));
    }
    let r = app
        .api(
            Method::POST,
            &path,
            Some(&a.token),
            Some(json!({"reason": "Номер заказа не совпадает"})),
        )
        .await
        .expect(200);
    assert_eq!(r.json()["status"], "rejected");
    let sms = app.outbox(&phone).await.pop().unwrap();
    let text = sms["text"].as_str().unwrap();
    assert!(
        text.contains("отклонена") && text.contains("Номер заказа не совпадает"),
        "{text}"
    );
    assert!(sms["link"].is_null());
    assert_eq!(audit_rows(&app, "recovery_case_rejected", &id).await, 1);
    let r = approve(&app, &a.token, &id).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "case_decided".into()));
    let r = app
        .api(
            Method::POST,
            &path,
            Some(&a.token),
            Some(json!({"reason": "ещё раз"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "case_decided".into()));
    let c = app
        .get(&format!("/staff/recovery-cases/{id}"), Some(&a.token))
        .await
        .json();
    assert_eq!(c["status"], "rejected");
    assert_eq!(c["reject_reason"], "Номер заказа не совпадает");
    assert_eq!(c["rejected_by"], a.email.as_str());
    let rejected = app
        .get("/staff/recovery-cases?status=rejected", Some(&a.token))
        .await
        .json();
    assert_eq!(rejected["items"][0]["id"], id.as_str());
    assert!(
        app.get("/staff/recovery-cases?status=open", Some(&a.token))
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn only_support_and_admin_see_cases_and_a_case_without_an_account_is_not_approved() {
    let app = spawn_app().await;
    let id = file_case(
        &app,
        &new_email(),
        &new_phone(),
        json!({"order_number": "10023", "delivery_address": "Москва"}),
    )
    .await;
    let moderator = app.staff("moderator").await;
    for r in [
        app.get("/staff/recovery-cases?status=open", Some(&moderator.token))
            .await,
        app.get(
            &format!("/staff/recovery-cases/{id}"),
            Some(&moderator.token),
        )
        .await,
        approve(&app, &moderator.token, &id).await,
    ] {
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (403, "forbidden_role".into())
        );
    }
    let (customer, _) = app.sign_in(&new_phone()).await;
    assert_eq!(
        app.get("/staff/recovery-cases", Some(&customer))
            .await
            .status,
        401
    );
    assert_eq!(approve(&app, &customer, &id).await.status, 401);
    // (A fresh client: the app's client keeps the last staff cookie.)
    let anonymous = client()
        .get(format!("{}/api/v1/staff/recovery-cases", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let r = app
        .get(
            "/staff/recovery-cases?status=weird",
            Some(&app.staff("admin").await.token),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "invalid_status".into())
    );

    let support = app.staff("support").await;
    let c = app
        .get(&format!("/staff/recovery-cases/{id}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(c["account_found"], false);
    assert_eq!(c["evidence"]["order_number"], false);
    assert_eq!(c["evidence"]["card_last4"], Value::Null);
    let r = approve(&app, &support.token, &id).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "case_no_account".into())
    );
    let r = app
        .get(
            "/staff/recovery-cases/00000000-0000-4000-8000-000000000000",
            Some(&support.token),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (404, "case_not_found".into())
    );
}

#[tokio::test]
async fn a_support_link_is_not_spent_when_its_contact_was_taken_meanwhile() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let old_email = new_email();
    let (_, number) = customer_with_an_order(&app, &old_email).await;
    let phone = new_phone();
    let id = file_case(
        &app,
        &old_email,
        &phone,
        json!({"order_number": number, "delivery_address": "Москва, ул. Ленина, д. 5, кв. 12"}),
    )
    .await;
    let (a, b) = (app.staff("support").await, app.staff("admin").await);
    approve(&app, &a.token, &id).await.expect(200);
    approve(&app, &b.token, &id).await.expect(200);
    let token = link_token(&app.last_link(&phone).await);
    // A phone code is not for this link: it brings its own contact.
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{token}/phone"),
            None,
            Some(json!({"phone": new_phone(), "channel": "sms"})),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "contact_fixed".into()));
    // Someone else signs up with the number first: refused, the link is not spent.
    let (other, _) = app.sign_in(&phone).await;
    let path = format!("/recovery/{token}/complete");
    let complete = |password: &'static str| {
        app.api(
            Method::POST,
            &path,
            None,
            Some(json!({"password": password})),
        )
    };
    let r = complete(NEW_PASSWORD).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "contact_taken".into()));
    assert_eq!(complete(NEW_PASSWORD).await.code(), "contact_taken");
    let page = app.page(&format!("/recovery/{token}"), None).await;
    assert!(page.contains(&phone), "the link is still valid");
    assert!(app.get("/me", Some(&other)).await.status == 200);
}

#[tokio::test]
async fn a_hundred_simultaneous_approvals_by_two_members_approve_once_and_send_one_link() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let old_email = new_email();
    let (_, number) = customer_with_an_order(&app, &old_email).await;
    let phone = new_phone();
    let id = file_case(
        &app,
        &old_email,
        &phone,
        json!({"order_number": number, "delivery_address": "Москва, ул. Ленина, д. 5, кв. 12"}),
    )
    .await;
    let (a, b) = (app.staff("support").await, app.staff("support").await);
    let answers = all_at_once(
        (0..100)
            .map(|i| approve(&app, if i % 2 == 0 { &a.token } else { &b.token }, &id))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    let said = |s: &str| {
        answers
            .iter()
            .filter(|r| r.status == 200 && r.json()["status"] == s)
            .count()
    };
    assert_eq!(said("awaiting_second"), 1, "one first approval");
    assert_eq!(said("approved"), 1, "one second approval");
    assert_eq!(
        count(&answers, 409, Some("four_eyes_required"))
            + count(&answers, 409, Some("case_decided")),
        98
    );
    let status: String = sqlx::query_scalar("SELECT status FROM recovery_cases WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "approved");
    let links = app
        .outbox(&phone)
        .await
        .iter()
        .filter(|m| m["link"].is_string())
        .count();
    assert_eq!(links, 1, "exactly one link sent");
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM recovery_tokens WHERE new_contact = $1",
            &phone
        )
        .await,
        1
    );
    assert_eq!(audit_rows(&app, "recovery_case_approved", &id).await, 2);
}

#[tokio::test]
async fn a_case_whose_evidence_does_not_match_the_account_cannot_be_approved() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let old_email = new_email();
    let (_, number) = customer_with_an_order(&app, &old_email).await;
    // One piece right (the order), two wrong: not enough.
    let id = file_case(
        &app,
        &old_email,
        &new_phone(),
        json!({"order_number": number, "delivery_address": "Казань, ул. Баумана, 1", "card_last4": "4242"}),
    )
    .await;
    let support = app.staff("support").await;
    let c = app
        .get(&format!("/staff/recovery-cases/{id}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(c["evidence"]["order_number"], true);
    assert_eq!(c["evidence"]["delivery_address"], false);
    assert_eq!(c["evidence"]["card_last4"], false);
    let r = approve(&app, &support.token, &id).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "evidence_not_matched".into())
    );
    let still = app
        .get(&format!("/staff/recovery-cases/{id}"), Some(&support.token))
        .await
        .json();
    assert_eq!(still["status"], "new");
    assert_eq!(still["approvals"], 0);
}
