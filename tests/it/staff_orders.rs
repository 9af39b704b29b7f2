//! Orders and customers in the staff console (issue 12): orders move one step at a time (or
//! are cancelled before shipping, refunded through the payment seam), every move tells the
//! customer, search by number, phone and status; customers with masked contacts, opened only
//! with a reason that lands in the audit trail and the customer's security log.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const CARD_OK: &str = "2200 0000 0000 0004";

async fn demo() -> TestApp {
    spawn_app_with(|c| c.demo = Some(true)).await
}

/// A customer signed in by phone: (phone, token, customer id).
async fn customer(app: &TestApp) -> (String, String, String) {
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let me = app.get("/me", Some(&token)).await.expect(200).json();
    (phone, token, me["id"].as_str().unwrap().to_owned())
}

/// A paid card order of one item, to a pickup point or by courier: its number.
async fn paid_order(app: &TestApp, token: &str, courier: bool) -> String {
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
    let delivery = if courier {
        json!({"method": "courier", "address": "г. Тверь, ул. Советская, д. 5"})
    } else {
        json!({"method": "pickup_point", "pickup_point_id": moscow_point(app).await})
    };
    let body = json!({"delivery": delivery,
        "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    let key = new_email();
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(token),
            Some(body),
            &[("idempotency-key", &key)],
        )
        .await
        .expect(201)
        .json();
    assert_eq!(o["status"], "paid");
    o["number"].as_str().unwrap().to_owned()
}

async fn set_status(app: &TestApp, staff: &str, number: &str, status: &str) -> Resp {
    app.api(
        Method::POST,
        &format!("/staff/orders/{number}/status"),
        Some(staff),
        Some(json!({"status": status})),
    )
    .await
}

/// The order-status messages the customer got, oldest first.
async fn notices(app: &TestApp, phone: &str, number: &str) -> Vec<String> {
    app.outbox(phone)
        .await
        .into_iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .filter(|t| t.contains(&format!("заказ № {number} ")))
        .collect()
}

fn statuses(order: &Value) -> Vec<String> {
    order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn support_moves_orders_step_by_step_and_the_customer_hears_of_each_step() {
    let app = demo().await;
    let support = app.staff("support").await;
    let (phone, token, customer_id) = customer(&app).await;
    let pickup = paid_order(&app, &token, false).await;
    let courier = paid_order(&app, &token, true).await;

    let steps = [
        ("assembling", "собирается"),
        ("shipped", "передан в доставку"),
        ("ready_for_pickup", "ждёт вас в пункте выдачи"),
        ("received", "получен"),
    ];
    for (i, (status, words)) in steps.iter().enumerate() {
        app.advance(60);
        let o = set_status(&app, &support.token, &pickup, status)
            .await
            .expect(200)
            .json();
        assert_eq!(o["number"], pickup.as_str());
        assert_eq!(o["status"], *status);
        assert_eq!(o["customer_id"], customer_id.as_str());
        let got = notices(&app, &phone, &pickup).await;
        assert_eq!(got.len(), i + 1, "one notice per step: {got:?}");
        assert!(
            got[i].contains(&format!("заказ № {pickup} {words}")),
            "{}",
            got[i]
        );
    }
    let mine = app
        .get(&format!("/orders/{pickup}"), Some(&token))
        .await
        .expect(200)
        .json();
    assert_eq!(
        statuses(&mine),
        [
            "awaiting_payment",
            "paid",
            "assembling",
            "shipped",
            "ready_for_pickup",
            "received"
        ]
    );
    assert!(mine["received_at"].is_string());

    // A courier order goes from shipped straight to received; never to a pickup point.
    for status in ["assembling", "shipped"] {
        set_status(&app, &support.token, &courier, status)
            .await
            .expect(200);
    }
    let detail = app
        .get(&format!("/staff/orders/{courier}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(detail["moves"], json!(["received"]));
    let e = set_status(&app, &support.token, &courier, "ready_for_pickup")
        .await
        .expect(409);
    assert_eq!(e.code(), "illegal_transition");
    set_status(&app, &support.token, &courier, "received")
        .await
        .expect(200);
    let got = notices(&app, &phone, &courier).await;
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[2].contains("получен"), "{got:?}");

    // The audit trail has every move, "from → to".
    let admin = app.staff("admin").await;
    let audit = app
        .get("/staff/audit?limit=100", Some(&admin.token))
        .await
        .expect(200)
        .json();
    let moves: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "order_status_changed")
        .collect();
    assert_eq!(moves.len(), 7);
    assert!(moves.iter().any(|a| a["target"] == pickup.as_str()
        && a["detail"] == "ready_for_pickup → received"
        && a["staff"] == support.email.as_str()));
}

#[tokio::test]
async fn only_the_next_step_or_a_cancel_before_shipping_is_allowed() {
    let app = demo().await;
    let support = app.staff("support").await;
    let (_, token, _) = customer(&app).await;
    let number = paid_order(&app, &token, false).await;
    // Skipping a step, going back, waiting for payment again: 409.
    for status in [
        "shipped",
        "received",
        "ready_for_pickup",
        "awaiting_payment",
        "paid",
    ] {
        let e = set_status(&app, &support.token, &number, status)
            .await
            .expect(409);
        assert_eq!(e.code(), "illegal_transition", "{status}");
    }
    let e = set_status(&app, &support.token, &number, "lost")
        .await
        .expect(400);
    assert_eq!(e.code(), "invalid_status");
    let e = set_status(&app, &support.token, "999999999", "assembling")
        .await
        .expect(404);
    assert_eq!(e.code(), "order_not_found");
    let e = set_status(&app, &support.token, "../1", "assembling").await;
    assert_eq!(e.status, 404);

    // Shipped: cancelling is too late.
    for status in ["assembling", "shipped"] {
        set_status(&app, &support.token, &number, status)
            .await
            .expect(200);
    }
    let e = set_status(&app, &support.token, &number, "cancelled")
        .await
        .expect(409);
    assert_eq!(e.code(), "illegal_transition");
    for status in ["ready_for_pickup", "received"] {
        set_status(&app, &support.token, &number, status)
            .await
            .expect(200);
    }
    // Received: nothing moves it.
    for status in ["cancelled", "received", "shipped"] {
        let e = set_status(&app, &support.token, &number, status)
            .await
            .expect(409);
        assert_eq!(e.code(), "illegal_transition", "{status}");
    }
    let o = app
        .get(&format!("/staff/orders/{number}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(o["moves"], json!([]));
}

#[tokio::test]
async fn cancelling_a_paid_card_order_refunds_it_and_nothing_moves_it_after() {
    let app = demo().await;
    let support = app.staff("support").await;
    let (phone, token, _) = customer(&app).await;
    let number = paid_order(&app, &token, false).await;
    set_status(&app, &support.token, &number, "assembling")
        .await
        .expect(200);
    let o = set_status(&app, &support.token, &number, "cancelled")
        .await
        .expect(200)
        .json();
    assert_eq!(o["status"], "cancelled");
    // Refunded through the seam: the acquirer gave the whole charge back, and a refund receipt.
    let refunded: i64 = sqlx::query_scalar(
        "SELECT s.refunded FROM sandbox_payments s JOIN payment_attempts a ON a.reference = s.reference \
         JOIN orders o ON o.id = a.order_id WHERE o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(refunded, o["total"].as_i64().unwrap());
    let mine = app
        .get(&format!("/orders/{number}"), Some(&token))
        .await
        .expect(200)
        .json();
    let kinds: Vec<&str> = mine["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["payment", "refund"]);
    let got = notices(&app, &phone, &number).await;
    assert!(
        got.last().unwrap().contains("отменён, деньги вернутся"),
        "{got:?}"
    );
    // Cancelled: no move, no second cancel.
    for status in ["cancelled", "assembling", "paid"] {
        let e = set_status(&app, &support.token, &number, status)
            .await
            .expect(409);
        assert_eq!(e.code(), "illegal_transition", "{status}");
    }
    let admin = app.staff("admin").await;
    let audit = app
        .get("/staff/audit?limit=100", Some(&admin.token))
        .await
        .json();
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "order_cancelled"
                && a["target"] == number.as_str()
                && a["detail"] == "assembling → cancelled"),
        "{audit}"
    );
}

#[tokio::test]
async fn only_support_and_admins_move_orders() {
    let app = demo().await;
    let (_, token, _) = customer(&app).await;
    let number = paid_order(&app, &token, false).await;
    let moderator = app.staff("moderator").await;
    let e = set_status(&app, &moderator.token, &number, "assembling")
        .await
        .expect(403);
    assert_eq!(e.code(), "forbidden_role");
    app.get("/staff/orders", Some(&moderator.token))
        .await
        .expect(403);
    app.get("/staff/customers", Some(&moderator.token))
        .await
        .expect(403);
    // A customer's token is no staff session.
    set_status(&app, &token, &number, "assembling")
        .await
        .expect(401);
    app.get(&format!("/staff/orders/{number}"), Some(&token))
        .await
        .expect(401);
    app.get("/staff/customers", Some(&token)).await.expect(401);
    let admin = app.staff("admin").await;
    set_status(&app, &admin.token, &number, "assembling")
        .await
        .expect(200);
}

#[tokio::test]
async fn the_command_line_follows_the_same_rules() {
    let app = demo().await;
    let (phone, token, _) = customer(&app).await;
    let number = paid_order(&app, &token, true).await;
    let state = &app.state;
    let e = kabinet::orders::advance(state, &number, "shipped")
        .await
        .unwrap_err();
    assert_eq!(e.code, "illegal_transition");
    let e = kabinet::orders::advance(state, &number, "teleported")
        .await
        .unwrap_err();
    assert_eq!(e.code, "invalid_status");
    let e = kabinet::orders::advance(state, "999999999", "assembling")
        .await
        .unwrap_err();
    assert_eq!(e.code, "order_not_found");
    for status in ["assembling", "shipped"] {
        kabinet::orders::advance(state, &number, status)
            .await
            .unwrap();
    }
    let e = kabinet::orders::advance(state, &number, "ready_for_pickup")
        .await
        .unwrap_err();
    assert_eq!(e.code, "illegal_transition", "couriers skip the pickup");
    let e = kabinet::orders::advance(state, &number, "cancelled")
        .await
        .unwrap_err();
    assert_eq!(e.code, "illegal_transition", "shipped");
    let moved = kabinet::orders::advance(state, &number, "received")
        .await
        .unwrap();
    assert_eq!(moved.from.as_str(), "shipped");
    assert_eq!(moved.to.as_str(), "received");
    assert_eq!(notices(&app, &phone, &number).await.len(), 3);
}

#[tokio::test]
async fn orders_are_found_by_number_phone_email_and_status() {
    let app = demo().await;
    let support = app.staff("support").await;
    let (phone, token, customer_id) = customer(&app).await;
    let first = paid_order(&app, &token, false).await;
    let second = paid_order(&app, &token, true).await;
    let (_, other_token, _) = customer(&app).await;
    let other = paid_order(&app, &other_token, false).await;
    set_status(&app, &support.token, &second, "assembling")
        .await
        .expect(200);
    let find = |q: String| {
        let app = &app;
        let t = support.token.clone();
        async move { app.get(&q, Some(&t)).await.expect(200).json() }
    };
    let numbers = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["number"].as_str().unwrap().to_owned())
            .collect()
    };
    // By number: exactly that order.
    let by_number = find(format!("/staff/orders?q={first}")).await;
    assert_eq!(numbers(&by_number), [first.as_str()]);
    let item = &by_number["items"][0];
    assert_eq!(item["customer_id"], customer_id.as_str());
    assert_eq!(item["status"], "paid");
    assert_eq!(item["delivery_method"], "pickup_point");
    assert!(item["total"].as_i64().unwrap() > 0);
    assert!(item["placed_at"].as_str().unwrap().ends_with('Z'));
    // By phone as people type it: newest first, only this customer's.
    let digits = &phone[2..];
    let typed = format!(
        "8 ({}) {}-{}-{}",
        &digits[..3],
        &digits[3..6],
        &digits[6..8],
        &digits[8..]
    );
    let by_phone = find(format!("/staff/orders?q={}", urlencode(&typed))).await;
    assert_eq!(numbers(&by_phone), [second.clone(), first.clone()]);
    // And a status.
    let assembling = find(format!(
        "/staff/orders?q={}&status=assembling",
        urlencode(&phone)
    ))
    .await;
    assert_eq!(numbers(&assembling), [second.as_str()]);
    // Everything, a page at a time.
    let page1 = find("/staff/orders?limit=2".into()).await;
    assert_eq!(numbers(&page1), [other.clone(), second.clone()]);
    let cursor = page1["next_cursor"].as_str().unwrap().to_owned();
    let page2 = find(format!(
        "/staff/orders?limit=2&cursor={}",
        urlencode(&cursor)
    ))
    .await;
    assert_eq!(numbers(&page2)[0], first);
    // Unknown things find nothing; a bad status or cursor is 400.
    assert!(numbers(&find("/staff/orders?q=nobody%40example.ru".into()).await).is_empty());
    let e = app
        .get("/staff/orders?status=lost", Some(&support.token))
        .await
        .expect(400);
    assert_eq!(e.code(), "invalid_status");
    app.get("/staff/orders?cursor=x", Some(&support.token))
        .await
        .expect(400);
    // One order whole, with its customer and the allowed moves; the recipient's phone masked.
    let one = app
        .get(&format!("/staff/orders/{first}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(one["moves"], json!(["assembling", "cancelled"]));
    assert_eq!(one["customer_id"], customer_id.as_str());
    assert!(one["lines"].as_array().unwrap().len() == 1);
    assert!(
        !one["delivery"]["recipient"]["phone"]
            .as_str()
            .unwrap()
            .contains(&phone[5..])
    );
    app.get("/staff/orders/999999999", Some(&support.token))
        .await
        .expect(404);
}

#[tokio::test]
async fn customers_are_listed_masked_and_opened_only_with_a_reason() {
    let app = demo().await;
    let support = app.staff("support").await;
    let (phone, token, id) = customer(&app).await;
    app.api(
        Method::PATCH,
        "/me",
        Some(&token),
        Some(json!({"first_name": "Ульяна", "last_name": "Кондратьева"})),
    )
    .await
    .expect(200);
    let number = paid_order(&app, &token, false).await;
    // By a part of the name in any case, by phone: masked, never the full number.
    for q in ["кондрат", "КОНДРАТЬЕВА", "ульяна", phone.as_str()] {
        let r = app
            .get(
                &format!("/staff/customers?q={}", urlencode(q)),
                Some(&support.token),
            )
            .await
            .expect(200);
        assert!(!r.text.contains(&phone), "{q}: {}", r.text);
        assert!(!r.text.contains(&phone[2..]), "{q}: {}", r.text);
        let items = r.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1, "{q}");
        assert_eq!(items[0]["id"], id.as_str());
        assert_eq!(items[0]["name"], "Кондратьева Ульяна");
        let masked = items[0]["phone"].as_str().unwrap();
        assert!(masked.contains("***") && masked.ends_with(&phone[phone.len() - 2..]));
        assert!(items[0]["created_at"].as_str().unwrap().ends_with('Z'));
    }
    let everyone = app
        .get("/staff/customers?limit=100", Some(&support.token))
        .await
        .expect(200);
    assert!(!everyone.text.contains(&phone));
    // One customer: masked, with their orders.
    let one = app
        .get(&format!("/staff/customers/{id}"), Some(&support.token))
        .await
        .expect(200);
    assert!(!one.text.contains(&phone));
    assert_eq!(one.json()["orders"][0]["number"], number.as_str());
    app.get("/staff/customers/not-an-id", Some(&support.token))
        .await
        .expect(404);

    // Opening the contacts needs a reason.
    let reveal = |body: Value| {
        let app = &app;
        let t = support.token.clone();
        let id = id.clone();
        async move {
            app.api(
                Method::POST,
                &format!("/staff/customers/{id}/reveal"),
                Some(&t),
                Some(body),
            )
            .await
        }
    };
    for body in [json!({}), json!({"reason": ""}), json!({"reason": "  x "})] {
        let e = reveal(body).await.expect(400);
        assert_eq!(e.code(), "reason_required");
    }
    let opened = reveal(json!({"reason": "Обращение 4711: не приходит SMS"}))
        .await
        .expect(200)
        .json();
    assert_eq!(opened["phone"], phone.as_str());
    // The audit trail keeps who, whose and why.
    let admin = app.staff("admin").await;
    let audit = app
        .get("/staff/audit?limit=100", Some(&admin.token))
        .await
        .expect(200)
        .json();
    let row = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "customer_contacts_opened")
        .expect("an audit row")
        .clone();
    assert_eq!(row["target"], id.as_str());
    assert_eq!(row["staff"], support.email.as_str());
    assert_eq!(row["detail"], "Обращение 4711: не приходит SMS");
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "customer_viewed" && a["target"] == id.as_str())
    );
    // And the customer sees it in their security log, by staff.
    let log = app
        .get("/me/security-events", Some(&token))
        .await
        .expect(200)
        .json();
    let event = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "support_contacts_opened")
        .expect("a security log row")
        .clone();
    assert_eq!(event["actor"], "staff");
    let page = app.page("/account/security", Some(&token)).await;
    assert!(
        page.contains("Служба поддержки открыла ваши контактные данные"),
        "{page}"
    );
}

#[tokio::test]
async fn a_hundred_simultaneous_moves_of_one_order_make_one() {
    let app = demo().await;
    let support = app.staff("support").await;
    let (phone, token, _) = customer(&app).await;
    let number = paid_order(&app, &token, false).await;
    let answers = all_at_once(
        (0..100)
            .map(|_| set_status(&app, &support.token, &number, "assembling"))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1);
    assert_eq!(count(&answers, 409, Some("illegal_transition")), 99);
    let mine = app
        .get(&format!("/orders/{number}"), Some(&token))
        .await
        .json();
    assert_eq!(
        statuses(&mine)
            .iter()
            .filter(|s| *s == "assembling")
            .count(),
        1
    );
    assert_eq!(notices(&app, &phone, &number).await.len(), 1);
    // The same for a hundred cancels: one refund.
    let answers = all_at_once(
        (0..100)
            .map(|_| set_status(&app, &support.token, &number, "cancelled"))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1);
    let refunds: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM receipts r JOIN orders o ON o.id = r.order_id WHERE o.number = $1 AND r.kind = 'refund'",
    )
    .bind(&number)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(refunds, 1);
}

#[tokio::test]
async fn the_console_pages_search_show_and_move_orders_and_open_contacts() {
    let app = demo().await;
    let support = app.staff("support").await;
    let (phone, token, id) = customer(&app).await;
    let number = paid_order(&app, &token, false).await;
    let list = app
        .page(&format!("/staff/orders?q={number}"), Some(&support.token))
        .await;
    assert!(list.contains(&format!("/staff/orders/{number}")), "{list}");
    assert!(list.contains("Оплачен"), "{list}");
    let one = app
        .page(&format!("/staff/orders/{number}"), Some(&support.token))
        .await;
    assert!(one.contains("Перевести в статус «Собирается»"), "{one}");
    assert!(one.contains("Отменить заказ") && one.contains("details class=\"confirm\""));
    assert!(!one.contains("«В пути»"), "only the next step");
    // The list (everyone; a searched phone would be echoed in its own search box).
    let customers = app.page("/staff/customers", Some(&support.token)).await;
    assert!(customers.contains(&format!("/staff/customers/{id}")));
    assert!(!customers.contains(&phone) && !customers.contains(&phone[2..]));
    let card = app
        .page(&format!("/staff/customers/{id}"), Some(&support.token))
        .await;
    assert!(card.contains("Показать контакты") && !card.contains(&phone));
    assert!(card.contains(&format!("/staff/orders/{number}")));

    // The forms, with the console's cookie and CSRF token: sign in through the pages.
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
    let one = get_page(&app, &format!("/staff/orders/{number}"))
        .await
        .expect(200);
    let csrf = csrf_of(&one.text);
    let skip = post_form(
        &app,
        &format!("/staff/orders/{number}/status"),
        &[("csrf", &csrf), ("status", "shipped")],
    )
    .await
    .expect(409);
    assert!(
        skip.text
            .contains("Заказ не может перейти в этот статус из текущего"),
        "{}",
        skip.text
    );
    let moved = post_form(
        &app,
        &format!("/staff/orders/{number}/status"),
        &[("csrf", &csrf), ("status", "assembling")],
    )
    .await
    .expect(303);
    let to = moved.header("location").unwrap();
    let after = get_page(&app, &to).await.expect(200);
    assert!(after.text.contains("Статус заказа изменён: Собирается"));
    assert!(after.text.contains("Перевести в статус «В пути»"));
    let forged = post_form(
        &app,
        &format!("/staff/orders/{number}/status"),
        &[("csrf", "forged"), ("status", "shipped")],
    )
    .await;
    assert_eq!(forged.status, 403);
    // Contacts: no reason, no contacts; a reason shows them on the answer.
    let reveal = format!("/staff/customers/{id}/reveal");
    let refused = post_form(&app, &reveal, &[("csrf", &csrf), ("reason", "")])
        .await
        .expect(400);
    assert!(!refused.text.contains(&phone));
    let shown = post_form(
        &app,
        &reveal,
        &[("csrf", &csrf), ("reason", "Обращение 4712")],
    )
    .await
    .expect(200);
    assert!(shown.text.contains(&phone), "{}", shown.text);
}

#[tokio::test]
async fn a_customer_without_a_phone_hears_by_email_and_is_found_by_it() {
    let app = demo().await;
    let support = app.staff("support").await;
    let email = new_email();
    let (token, id) = app.register(&email, "Correct-Horse-42").await;
    let number = paid_order(&app, &token, false).await;
    set_status(&app, &support.token, &number, "assembling")
        .await
        .expect(200);
    let mail = app.outbox(&email).await;
    let notice = mail
        .iter()
        .find(|m| {
            m["text"]
                .as_str()
                .unwrap()
                .contains(&format!("Заказ № {number} собирается"))
        })
        .unwrap_or_else(|| panic!("an email notice: {mail:?}"));
    assert_eq!(notice["channel"], "email");
    // Found by the email as typed (any case), orders and customer alike.
    let typed = urlencode(&email.to_uppercase());
    let orders = app
        .get(&format!("/staff/orders?q={typed}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(orders["items"][0]["number"], number.as_str());
    assert_eq!(orders["items"][0]["customer_name"], "Смирнова Анна");
    let customers = app
        .get(&format!("/staff/customers?q={typed}"), Some(&support.token))
        .await
        .expect(200);
    assert!(!customers.text.contains(&email));
    let items = customers.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert!(items[0]["email"].as_str().unwrap().contains("***@"));
    assert!(items[0]["phone"].is_null());
}
