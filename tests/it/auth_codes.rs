//! Sign-in by one-time code: contacts, codes, expiry, single use, voiding (SECURITY 1–6, 11–12).

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn first_sms_sign_in_opens_an_account_and_the_next_finds_it() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (token, body) = app.sign_in(&phone).await;
    assert_eq!(body["created"], true);
    assert_eq!(body["customer"]["phone"], phone.as_str());
    let me = app.get("/me", Some(&token)).await.expect(200).json();
    assert_eq!(me["phone"], phone.as_str());
    assert_eq!(me["email_verified"], false);

    app.advance(61);
    let (token2, body2) = app.sign_in(&phone).await;
    assert_eq!(body2["created"], false);
    assert_eq!(body2["customer"]["id"], body["customer"]["id"]);
    assert_ne!(token, token2, "a new token at every sign-in");
}

#[tokio::test]
async fn russian_phone_forms_are_one_contact() {
    let app = spawn_app().await;
    let r = app
        .request_code("sms", "8 (916) 555-12-34")
        .await
        .expect(202);
    let body = r.json();
    assert_eq!(body["resend_in"], 60);
    assert_eq!(body["expires_in"], 300);
    assert_eq!(
        app.outbox("+79165551234").await.len(),
        1,
        "stored under E.164"
    );
    // The same number written differently is the same contact: the cooldown applies.
    let again = app.request_code("sms", "+7 916 5551234").await.expect(429);
    assert_eq!(again.code(), "resend_too_soon");
    assert_eq!(app.request_code("sms", "9165551234").await.status, 429);
}

#[tokio::test]
async fn email_is_trimmed_and_lowercased_and_confirmed_by_sign_in() {
    let app = spawn_app().await;
    let r = app
        .request_code("email", "  Ivan.Petrov@Mail.RU ")
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let items = app.outbox("ivan.petrov@mail.ru").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["channel"], "email");
    let code = items[0]["code"].as_str().unwrap();
    assert!(items[0]["text"].as_str().unwrap().contains(code));
    let body = app.verify(&flow, code).await.expect(200).json();
    assert_eq!(body["created"], true);
    assert_eq!(body["customer"]["email"], "ivan.petrov@mail.ru");
    assert_eq!(body["customer"]["email_verified"], true);
}

#[tokio::test]
async fn bad_contacts_are_refused_before_any_message() {
    let app = spawn_app().await;
    for (channel, to, code) in [
        ("sms", "not a phone", "invalid_phone"),
        ("sms", "", "invalid_phone"),
        ("sms", "12345", "invalid_phone"),
        ("sms", "+7 495 123-45-67", "phone_not_supported"),
        ("voice", "+7 495 123-45-67", "phone_not_supported"),
        ("sms", "+44 7911 123456", "phone_not_supported"),
        ("email", "ivan@", "invalid_email"),
        ("email", "+79161234567", "invalid_email"),
        ("pigeon", "+79161234567", "invalid_channel"),
    ] {
        let r = app.request_code(channel, to).await;
        assert_eq!(r.status, 400, "{channel} {to}: {}", r.text);
        assert_eq!(r.code(), code, "{channel} {to}");
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    assert!(app.outbox("+74951234567").await.is_empty());
    assert!(app.outbox("+447911123456").await.is_empty());
    let r = app
        .api(
            Method::POST,
            "/auth/codes",
            None,
            Some(json!({"channel":"sms","to":"+79161112233","purpose":"steal"})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "invalid_purpose".into())
    );
}

#[tokio::test]
async fn malformed_bodies_get_400_with_a_code() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/auth/codes", app.base);
    let cases: Vec<(reqwest::RequestBuilder, &str)> = vec![
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            "invalid_json",
        ),
        (
            app.client.post(&url).json(&json!({"channel": 5, "to": []})),
            "invalid_body",
        ),
        (
            app.client.post(&url).json(&json!({"to": "+79161234567"})),
            "invalid_body",
        ),
        (app.client.post(&url).body("channel=sms"), "json_expected"),
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body(format!(
                    "{{\"channel\":\"sms\",\"to\":\"{}\"}}",
                    "9".repeat(200_000)
                )),
            "body_too_large",
        ),
    ];
    for (req, code) in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 400);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{body}");
    }
    let r = app.verify("not-a-flow", "123456").await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "code_expired".into()));
}

#[tokio::test]
async fn codes_are_accepted_with_spaces_dashes_and_full_width_digits() {
    let app = spawn_app().await;
    let forms: [fn(&str) -> String; 4] = [
        |c| format!(" {} {} ", &c[..3], &c[3..]),
        |c| format!("{}-{}", &c[..3], &c[3..]),
        |c| {
            c.chars()
                .map(|d| char::from_u32(0xFF10 + d.to_digit(10).unwrap()).unwrap())
                .collect()
        },
        |c| format!("{}\u{a0}{}", &c[..3], &c[3..]),
    ];
    for form in forms {
        let phone = new_phone();
        let (flow, code) = app.code_for("sms", &phone).await;
        app.verify(&flow, &form(&code)).await.expect(200);
    }
}

#[tokio::test]
async fn a_code_works_once_and_expires_after_five_minutes() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    app.verify(&flow, &code).await.expect(200);
    let again = app.verify(&flow, &code).await.expect(400);
    assert_eq!(again.code(), "code_expired");

    let other = new_phone();
    let (flow, code) = app.code_for("sms", &other).await;
    app.advance(299);
    let (flow_b, code_b) = {
        let third = new_phone();
        app.code_for("sms", &third).await
    };
    app.advance(2);
    assert_eq!(
        app.verify(&flow, &code).await.expect(400).code(),
        "code_expired"
    );
    app.verify(&flow_b, &code_b).await.expect(200);
}

#[tokio::test]
async fn a_new_code_voids_the_previous_one() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (flow1, code1) = app.code_for("sms", &phone).await;
    app.advance(61);
    let (flow2, code2) = app.code_for("sms", &phone).await;
    assert_eq!(
        app.verify(&flow1, &code1).await.expect(400).code(),
        "code_expired"
    );
    app.verify(&flow2, &code2).await.expect(200);
}

#[tokio::test]
async fn five_wrong_entries_void_a_code() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let r = app.verify(&flow, wrong).await.expect(400);
        assert_eq!(r.code(), "invalid_code");
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(&left.to_string()), "{message}");
    }
    assert_eq!(
        app.verify(&flow, wrong).await.expect(400).code(),
        "code_expired"
    );
    assert_eq!(
        app.verify(&flow, &code).await.expect(400).code(),
        "code_expired"
    );
}

#[tokio::test]
async fn a_login_code_is_bound_to_its_own_flow() {
    let app = spawn_app().await;
    let (a, b) = (new_phone(), new_phone());
    let (flow_a, _) = app.code_for("sms", &a).await;
    let (_, code_b) = app.code_for("sms", &b).await;
    let r = app.verify(&flow_a, &code_b).await;
    // B's code does not open A (unless the two random codes collide, one in a million).
    assert!(r.status == 400 || app.last_code(&a).await == code_b);
}

#[tokio::test]
async fn sms_ends_with_the_webotp_line_and_speaks_the_request_language() {
    let app = spawn_app().await;
    let phone = new_phone();
    app.request_code("sms", &phone).await.expect(202);
    let item = app.outbox(&phone).await.pop().unwrap();
    let code = item["code"].as_str().unwrap();
    let text = item["text"].as_str().unwrap();
    assert!(
        text.ends_with(&format!("@kabinet.test #{code}")),
        "{text:?}"
    );
    assert!(text.starts_with("Код"), "{text:?}");
    assert!(
        text.chars().count() <= 140,
        "short enough for one SMS part: {text:?}"
    );

    let en = new_phone();
    app.send(
        Method::POST,
        "/auth/codes",
        None,
        Some(json!({"channel":"sms","to": en,"purpose":"login"})),
        &[("accept-language", "en-GB,en;q=0.9")],
    )
    .await
    .expect(202);
    let text = app.outbox(&en).await.pop().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.starts_with("Sign-in code"), "{text:?}");
    let r = app
        .send(
            Method::POST,
            "/auth/codes",
            None,
            Some(json!({"channel":"sms","to":"x"})),
            &[("accept-language", "en")],
        )
        .await;
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Enter a mobile")
    );
}

#[tokio::test]
async fn no_plaintext_code_or_token_at_rest() {
    let app = spawn_app().await;
    let mut deliveries = app.state.notifier.subscribe();
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    let delivered = tokio::time::timeout(std::time::Duration::from_secs(10), deliveries.recv())
        .await
        .expect("delivered")
        .unwrap();
    assert_eq!(delivered.to, phone);
    // The queued message is gone once sent; the flow keeps only an HMAC.
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM outbox WHERE recipient = $1", &phone)
            .await,
        0
    );
    let hash: String = sqlx::query_scalar("SELECT code_hash FROM auth_flows WHERE id = $1")
        .bind(&flow)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains(&code));
    let body = app.verify(&flow, &code).await.expect(200).json();
    let token = body["token"].as_str().unwrap();
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM sessions WHERE token_hash = $1", token)
            .await,
        0
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM sessions WHERE customer_id = $1",
            body["customer"]["id"].as_str().unwrap()
        )
        .await,
        1
    );
}

#[tokio::test]
async fn known_new_and_locked_contacts_get_the_same_answer() {
    // A lock longer than the send windows, so that all three contacts have the same history
    // of sends in the last hour when compared.
    let app = spawn_app_with(|c| c.limits.contact_lock_secs = 7200).await;
    let known = new_phone();
    app.sign_in(&known).await;
    // A locked contact: more than ten wrong entries within the hour.
    let locked = new_phone();
    let mut waits = [60, 120, 240].into_iter();
    'outer: loop {
        let (flow, code) = app.code_for("sms", &locked).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            if app.verify(&flow, wrong).await.status == 429 {
                break 'outer;
            }
        }
        app.advance(waits.next().unwrap_or(240));
    }
    app.advance(3700);
    let unknown = new_phone();
    let mut answers = Vec::new();
    for phone in [&known, &unknown, &locked] {
        let r = app.request_code("sms", phone).await;
        let mut headers: Vec<(String, String)> = r
            .headers
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "date" | "x-request-id"))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        let mut body = r.json();
        assert!(body["flow_id"].as_str().is_some_and(|f| f.len() == 36));
        body["flow_id"] = json!("…");
        answers.push((r.status, headers, body));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
    // …and the locked contact is still locked.
    let code = app.last_code(&locked).await;
    let flow = app.request_code("sms", &locked).await;
    assert_eq!(flow.status, 429, "cooldown after the compared send");
    let _ = code;
}

/// The sign-in trusts the customer read with the flow only while the contact is still theirs:
/// a number that left that account meanwhile signs into (or opens) the account that has it now.
#[tokio::test]
async fn a_sign_in_never_touches_an_account_the_contact_left() {
    use kabinet::domain::identity::{Contact, Email, Phone};
    let app = spawn_app().await;
    let phone = new_phone();
    let (_, body) = app.sign_in(&phone).await;
    let old_id = body["customer"]["id"].as_str().unwrap().to_owned();
    let old = kabinet::customers::by_id(&app.state.db, &old_id)
        .await
        .unwrap()
        .unwrap();
    // The number leaves the account after it was read.
    sqlx::query("UPDATE customers SET phone = NULL WHERE id = $1")
        .bind(&old_id)
        .execute(kabinet::db::autocommit(&app.state.db))
        .await
        .unwrap();
    let contact = Contact::Phone(Phone::stored(phone.clone()));
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    let (c, created) =
        kabinet::customers::touch_or_create(&mut tx, &contact, Some(old.clone()), 1_000)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert!(created);
    assert_ne!(c.id, old_id);
    assert_eq!(c.phone.as_deref(), Some(phone.as_str()));
    let old_seen = kabinet::customers::by_id(&app.state.db, &old_id)
        .await
        .unwrap()
        .unwrap()
        .last_seen_at;
    assert_eq!(old_seen, old.last_seen_at, "the old account is not touched");
    // Read as absent, opened meanwhile: the account that has it is found, not a second one.
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    let (again, created) = kabinet::customers::touch_or_create(&mut tx, &contact, None, 2_000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!created);
    assert_eq!(again.id, c.id);
    assert_eq!(again.last_seen_at, 2_000);
    // An email sign-in confirms the email.
    let email = new_email();
    let by_email = Contact::Email(Email::stored(email.clone()));
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    let (e, created) = kabinet::customers::touch_or_create(&mut tx, &by_email, None, 3_000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(created);
    assert_eq!(e.email_verified, 1);
}
