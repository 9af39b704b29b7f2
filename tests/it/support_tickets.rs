//! «Обращения в поддержку» (issue 13): a thread between a customer and the shop, open →
//! answered (the customer is told) → open again → closed; orders must be the customer's own;
//! another customer's request is not found; roles; a daily cap that a hundred simultaneous
//! requests never exceed; the contact page for signed-out visitors.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn ticket(app: &TestApp, token: &str, body: Value) -> Resp {
    app.api(Method::POST, "/support/tickets", Some(token), Some(body))
        .await
}

async fn thread(app: &TestApp, token: &str, id: &str) -> Resp {
    app.get(&format!("/support/tickets/{id}"), Some(token))
        .await
}

#[tokio::test]
async fn a_request_is_answered_reopened_and_closed_and_the_customer_is_told() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let r = ticket(
        &app,
        &token,
        json!({"subject": "  Где   мой заказ? ", "text": "Заказ не пришёл вовремя."}),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(r["status"], "open");
    let id = r["id"].as_str().unwrap().to_owned();
    let mine = app
        .get("/support/tickets", Some(&token))
        .await
        .expect(200)
        .json();
    assert_eq!(mine["items"][0]["subject"], "Где мой заказ?");
    assert_eq!(mine["items"][0]["status"], "open");
    // Support answers: answered, the customer hears of it with a link to the thread.
    let support = app.staff("support").await;
    let q = app
        .get("/staff/tickets?status=open", Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(q["items"][0]["id"], id.as_str());
    let before = app.outbox(&phone).await.len();
    let a = app
        .api(
            Method::POST,
            &format!("/staff/tickets/{id}/messages"),
            Some(&support.token),
            Some(json!({"text": "Заказ передан курьеру, будет завтра."})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(a["status"], "answered");
    let sent = app.outbox(&phone).await;
    assert_eq!(sent.len(), before + 1);
    let last = sent.last().unwrap();
    assert!(
        last["text"].as_str().unwrap().contains("ответила"),
        "{last}"
    );
    assert_eq!(
        last["link"],
        format!("http://kabinet.test/support/tickets/{id}")
    );
    let t = thread(&app, &token, &id).await.expect(200).json();
    assert_eq!(t["status"], "answered");
    let authors: Vec<&str> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["customer", "staff"]);
    assert!(
        app.get("/staff/tickets?status=open", Some(&support.token))
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The customer writes again: open again.
    let r = app
        .api(
            Method::POST,
            &format!("/support/tickets/{id}/messages"),
            Some(&token),
            Some(json!({"text": "Спасибо, жду."})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(r["status"], "open");
    // Closed: no more messages, closing twice is a conflict.
    let r = app
        .api(
            Method::POST,
            &format!("/support/tickets/{id}/close"),
            Some(&token),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(r["status"], "closed");
    let r = app
        .api(
            Method::POST,
            &format!("/support/tickets/{id}/messages"),
            Some(&token),
            Some(json!({"text": "Ещё вопрос"})),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "ticket_closed");
    app.api(
        Method::POST,
        &format!("/staff/tickets/{id}/messages"),
        Some(&support.token),
        Some(json!({"text": "Ответ"})),
    )
    .await
    .expect(409);
    app.api(
        Method::POST,
        &format!("/staff/tickets/{id}/close"),
        Some(&support.token),
        None,
    )
    .await
    .expect(409);
    assert_eq!(
        thread(&app, &token, &id).await.json()["messages"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Staff actions are audited.
    let audited = app
        .scalar_i64(
            "SELECT COUNT(*) FROM staff_audit WHERE target = $1 AND action = 'ticket_answered'",
            &id,
        )
        .await;
    assert_eq!(audited, 1);
    // Staff may close too.
    let id2 = ticket(
        &app,
        &token,
        json!({"subject": "Второй", "text": "Ещё вопрос"}),
    )
    .await
    .expect(201)
    .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.api(
        Method::POST,
        &format!("/staff/tickets/{id2}/close"),
        Some(&support.token),
        None,
    )
    .await
    .expect(200);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM staff_audit WHERE target = $1 AND action = 'ticket_closed'",
            &id2
        )
        .await,
        1
    );
}

#[tokio::test]
async fn inputs_orders_and_other_customers_are_checked() {
    let app = spawn_app().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    for (body, code) in [
        (json!({"subject": " ", "text": "Текст"}), "subject_required"),
        (
            json!({"subject": "я".repeat(201), "text": "Текст"}),
            "subject_too_long",
        ),
        (json!({"subject": "Тема", "text": "  "}), "message_required"),
        (
            json!({"subject": "Тема", "text": "я".repeat(4001)}),
            "message_too_long",
        ),
    ] {
        assert_eq!(ticket(&app, &token, body).await.expect(400).code(), code);
    }
    // Not one of my orders.
    let r = ticket(
        &app,
        &token,
        json!({"subject": "Заказ", "text": "Где он?", "order_number": "100001"}),
    )
    .await
    .expect(404);
    assert_eq!(r.code(), "order_not_found");
    let id = ticket(&app, &token, json!({"subject": "Мой", "text": "Вопрос"}))
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another customer: not found, not forbidden.
    let (other, _) = app.sign_in(&new_phone()).await;
    assert_eq!(
        thread(&app, &other, &id).await.expect(404).code(),
        "ticket_not_found"
    );
    app.api(
        Method::POST,
        &format!("/support/tickets/{id}/messages"),
        Some(&other),
        Some(json!({"text": "чужое"})),
    )
    .await
    .expect(404);
    app.api(
        Method::POST,
        &format!("/support/tickets/{id}/close"),
        Some(&other),
        None,
    )
    .await
    .expect(404);
    assert!(
        app.get("/support/tickets", Some(&other)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    thread(&app, &other, "not-an-id").await.expect(404);
    // Roles: a moderator may not answer; a customer's token is not a staff session.
    let moderator = app.staff("moderator").await;
    app.get("/staff/tickets", Some(&moderator.token))
        .await
        .expect(403);
    let r = app
        .api(
            Method::POST,
            &format!("/staff/tickets/{id}/messages"),
            Some(&moderator.token),
            Some(json!({"text": "Ответ"})),
        )
        .await
        .expect(403);
    assert_eq!(r.code(), "forbidden_role");
    app.get("/staff/tickets", Some(&token)).await.expect(401);
    let admin = app.staff("admin").await;
    let t = app
        .get(&format!("/staff/tickets/{id}"), Some(&admin.token))
        .await
        .expect(200)
        .json();
    assert_eq!(t["messages"][0]["text"], "Вопрос");
}

#[tokio::test]
async fn a_request_about_my_order_names_it() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let p = app.get("/products?limit=1", None).await.json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.api(
        Method::PUT,
        &format!("/cart/items/{p}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let body = json!({"delivery": {"method": "courier", "address": "г. Тверь, ул. Советская, д. 5"},
        "payment": {"method": "card", "card": {"number": "2200 0000 0000 0004", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    let key = new_email();
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(body),
            &[("idempotency-key", &key)],
        )
        .await
        .expect(201)
        .json();
    let number = o["number"].as_str().unwrap();
    let id = ticket(
        &app,
        &token,
        json!({"subject": "Про заказ", "text": "Можно ли изменить адрес?", "order_number": number}),
    )
    .await
    .expect(201)
    .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        thread(&app, &token, &id).await.json()["order_number"],
        number
    );
    // Another customer may not name it.
    let (other, _) = app.sign_in(&new_phone()).await;
    let r = ticket(
        &app,
        &other,
        json!({"subject": "Чужой", "text": "Чужой заказ", "order_number": number}),
    )
    .await
    .expect(404);
    assert_eq!(r.code(), "order_not_found");
}

#[tokio::test]
async fn a_hundred_simultaneous_requests_never_exceed_the_days_cap() {
    let app = spawn_app_with(|c| c.limits.tickets_per_day = 10).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let answers = all_at_once(
        (0..100)
            .map(|i| {
                ticket(
                    &app,
                    &token,
                    json!({"subject": format!("Вопрос {i}"), "text": "Текст"}),
                )
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 10);
    assert_eq!(count(&answers, 429, Some("too_many_tickets")), 90);
    let limited = answers.iter().find(|r| r.status == 429).unwrap();
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<i64>()
            .unwrap()
            > 0
    );
    let stored = app
        .get("/support/tickets?limit=100", Some(&token))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(stored, 10);
    // The next day: allowed again.
    app.advance(86_400);
    ticket(&app, &token, json!({"subject": "Завтра", "text": "Текст"}))
        .await
        .expect(201);
}

#[tokio::test]
async fn a_hundred_simultaneous_replies_never_exceed_the_days_messages() {
    // One request a day allows ten messages a day.
    let app = spawn_app_with(|c| c.limits.tickets_per_day = 1).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let t = ticket(&app, &token, json!({"subject": "Вопрос", "text": "Текст"}))
        .await
        .expect(201)
        .json();
    let path = format!("/support/tickets/{}/messages", t["id"].as_str().unwrap());
    let answers = all_at_once(
        (0..100)
            .map(|i| {
                app.api(
                    Method::POST,
                    &path,
                    Some(&token),
                    Some(json!({"text": format!("Ещё {i}")})),
                )
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 10);
    assert_eq!(count(&answers, 429, Some("too_many_messages")), 90);
}

#[tokio::test]
async fn signed_out_visitors_see_the_contacts_and_the_way_back_in() {
    let app = spawn_app_with(|c| {
        c.support.phone = "+7 495 123-45-67".into();
        c.support.messengers = vec!["VK|https://vk.com/kabinet".into(), "broken".into()];
    })
    .await;
    let page = get_page(&app, "/support").await.expect(200).text;
    assert!(page.contains("+7 495 123-45-67") && page.contains("tel:+74951234567"));
    assert!(page.contains("https://vk.com/kabinet") && !page.contains("broken"));
    assert!(page.contains("href=\"/recovery\"") && page.contains("href=\"/recovery/support\""));
    assert!(page.contains("Войти"));
    // Signed in, the same path lists the requests and has the form.
    let (token, _) = app.sign_in(&new_phone()).await;
    ticket(
        &app,
        &token,
        json!({"subject": "Через API", "text": "Текст"}),
    )
    .await
    .expect(201);
    let page = app.page("/support", Some(&token)).await;
    assert!(
        page.contains("Через API") && page.contains("Открыто") && page.contains("name=\"subject\"")
    );
}

#[tokio::test]
async fn the_pages_write_answer_and_close_a_request_without_javascript() {
    let app = spawn_app().await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/support", &phone, &phone).await;
    let page = get_page(&app, "/support").await.expect(200).text;
    let csrf = csrf_of(&page);
    let r = post_form(
        &app,
        "/support",
        &[("csrf", &csrf), ("subject", ""), ("text", "Без темы")],
    )
    .await
    .expect(400);
    assert!(r.text.contains("Напишите тему") && r.text.contains("Без темы"));
    let r = post_form(
        &app,
        "/support",
        &[
            ("csrf", &csrf),
            ("subject", "Не тот размер <b>"),
            ("text", "Пришла футболка не того размера"),
            ("order", ""),
        ],
    )
    .await
    .expect(303);
    let thread = r.header("location").unwrap();
    assert!(thread.starts_with("/support/tickets/") && thread.ends_with("?done=created"));
    let id = thread
        .trim_start_matches("/support/tickets/")
        .trim_end_matches("?done=created")
        .to_owned();
    let t = get_page(&app, &thread).await.expect(200).text;
    assert!(
        t.contains("Открыто")
            && t.contains("Пришла футболка не того размера")
            && !t.contains("<b>")
    );

    // Support signs in to the console in the same browser and answers with the form.
    let support = app.staff("support").await;
    app.advance(30);
    let login = get_page(&app, "/staff/login").await;
    post_form(
        &app,
        "/staff/login",
        &[
            ("csrf", &csrf_of(&login.text)),
            ("email", &support.email),
            ("password", crate::support::staff::STAFF_PASSWORD),
            ("totp", &app.totp_now(&support.totp)),
        ],
    )
    .await
    .expect(303);
    let queue = get_page(&app, "/staff/tickets").await.expect(200).text;
    assert!(queue.contains(&format!("/staff/tickets/{id}")));
    let one = get_page(&app, &format!("/staff/tickets/{id}"))
        .await
        .expect(200)
        .text;
    let staff_csrf = csrf_of(&one);
    let r = post_form(
        &app,
        &format!("/staff/tickets/{id}/messages"),
        &[("csrf", &staff_csrf), ("text", " ")],
    )
    .await
    .expect(400);
    assert!(r.text.contains("Напишите сообщение"));
    post_form(
        &app,
        &format!("/staff/tickets/{id}/messages"),
        &[
            ("csrf", &staff_csrf),
            ("text", "Оформите обмен в разделе «Возвраты»."),
        ],
    )
    .await
    .expect(303);
    let t = get_page(&app, &format!("/support/tickets/{id}"))
        .await
        .expect(200)
        .text;
    assert!(t.contains("Есть ответ") && t.contains("Оформите обмен"));
    // The customer replies and closes with the forms.
    post_form(
        &app,
        &format!("/support/tickets/{id}/messages"),
        &[("csrf", &csrf), ("text", "Спасибо!")],
    )
    .await
    .expect(303);
    assert!(
        get_page(&app, &format!("/support/tickets/{id}"))
            .await
            .text
            .contains("Открыто")
    );
    post_form(
        &app,
        &format!("/support/tickets/{id}/close"),
        &[("csrf", &csrf)],
    )
    .await
    .expect(303);
    let t = get_page(&app, &format!("/support/tickets/{id}"))
        .await
        .expect(200)
        .text;
    assert!(t.contains("Закрыто") && !t.contains("name=\"text\""));
}
