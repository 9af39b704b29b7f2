//! «Мои данные» (issue 13, 152-ФЗ): the export holds every table that has the customer's id;
//! deleting the account ends the sessions, leaves no personal data in any column of any table,
//! keeps the orders (without it) and frees the phone and email — and a new account made with
//! them never sees the old one's data.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row;

const CARD_OK: &str = "2200 0000 0000 0004";

/// A customer with a bit of everything: names, a confirmed email, an address, a favourite, a
/// courier order (received, paid by a saved card), notification choices, a card application.
/// Returns (phone, email, token, customer id, order number).
async fn busy_customer(
    app: &TestApp,
    surname: &str,
    street: &str,
) -> (String, String, String, String, String) {
    let address = format!("г. Тверь, ул. {street}, д. 17, кв. 4");
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let me = app.get("/me", Some(&token)).await.expect(200).json();
    let id = me["id"].as_str().unwrap().to_owned();
    app.api(
        Method::PATCH,
        "/me",
        Some(&token),
        Some(json!({"first_name": "Зинаида", "last_name": surname, "patronymic": "Ильинична"})),
    )
    .await
    .expect(200);
    let email = new_email();
    let flow = app
        .api(
            Method::POST,
            "/me/email",
            Some(&token),
            Some(json!({"email": email})),
        )
        .await
        .expect(202)
        .json()["flow_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.last_code(&email).await;
    app.api(
        Method::POST,
        "/me/email/confirm",
        Some(&token),
        Some(json!({"flow_id": flow, "code": code})),
    )
    .await
    .expect(204);
    app.api(
        Method::POST,
        "/me/addresses",
        Some(&token),
        Some(json!({"address": address, "default": true})),
    )
    .await
    .expect(201);
    let products = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let p = products
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .expect("a product in stock");
    let pid = p["id"].as_str().unwrap();
    app.api(
        Method::PUT,
        &format!("/favorites/{pid}"),
        Some(&token),
        None,
    )
    .await;
    app.api(
        Method::PUT,
        &format!("/cart/items/{pid}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let body = json!({"delivery": {"method": "courier", "address": address},
        "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123", "save": true}}});
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(body),
            &[("idempotency-key", &new_email())],
        )
        .await
        .expect(201)
        .json();
    let number = o["number"].as_str().unwrap().to_owned();
    for step in ["assembling", "shipped", "received"] {
        kabinet::orders::advance(&app.state, &number, step)
            .await
            .expect("the order moves");
    }
    app.api(
        Method::POST,
        "/reviews",
        Some(&token),
        Some(json!({"product_id": pid, "rating": 5, "text": format!("Отличная вещь, {surname} довольна")})),
    )
    .await
    .expect(201);
    app.api(
        Method::POST,
        "/support/tickets",
        Some(&token),
        Some(
            json!({"subject": "Доставка", "text": format!("{surname} спрашивает про доставку"),
            "order_number": number}),
        ),
    )
    .await
    .expect(201);
    app.api(
        Method::PUT,
        "/me/notifications",
        Some(&token),
        Some(json!({"promotions": {"email": true}})),
    )
    .await
    .expect(200);
    (phone, email, token, id, number)
}

/// Tables with a column naming a customer by id, from the database's own catalogue.
async fn customer_columns(app: &TestApp) -> Vec<(String, String)> {
    let sql = if kabinet::db::is_sqlite_pool(&app.state.db) {
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND (p.name = 'customer_id' OR p.name = 'owner' \
         OR p.name LIKE '%customer_id' OR p.name = 'activated_by')"
    } else {
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND (column_name = 'customer_id' \
         OR column_name = 'owner' OR column_name LIKE '%customer_id' OR column_name = 'activated_by')"
    };
    sqlx::query_as(sql).fetch_all(&app.state.db).await.unwrap()
}

/// Every text column of every table: (table, column).
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    let sql = if kabinet::db::is_sqlite_pool(&app.state.db) {
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
         AND upper(p.type) = 'TEXT'"
    } else {
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND data_type = 'text' \
         AND table_name NOT LIKE '_sqlx%'"
    };
    sqlx::query_as(sql).fetch_all(&app.state.db).await.unwrap()
}

/// (table.column, value) of every text cell containing `needle` (case-insensitive). The
/// rate-limit counters are left out: they are kept on purpose until they expire (a day at most,
/// checked below), so that deleting an account cannot reset the per-phone message caps.
async fn cells_with(app: &TestApp, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in text_columns(app).await {
        if table == "rate_counters" || table == "rate_gates" {
            continue;
        }
        let sql = format!(
            "SELECT COUNT(*) FROM \"{table}\" WHERE lower(\"{column}\") LIKE '%' || lower($1) || '%'"
        );
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(needle)
            .fetch_one(&app.state.db)
            .await
            .unwrap()
            .get(0);
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

#[tokio::test]
async fn the_export_holds_every_table_with_my_id_and_nothing_of_others() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (_, other_email, _, _, other_number) = busy_customer(&app, "Ковалевская", "Садовая").await;
    let (phone, email, token, id, number) = busy_customer(&app, "Шпаковская", "Заречная").await;
    let r = app.get("/me/export", Some(&token)).await.expect(200);
    assert!(
        r.header("content-disposition")
            .unwrap_or_default()
            .contains("attachment"),
    );
    let data = r.json();
    assert_eq!(data["profile"]["id"], id.as_str());
    assert_eq!(data["profile"]["phone"], phone.as_str());
    assert_eq!(data["profile"]["email"], email.as_str());
    assert_eq!(data["notifications"]["promotions"]["email"], true);
    assert_eq!(data["orders"][0]["number"], number.as_str());
    assert!(!data["sessions"].as_array().unwrap().is_empty());

    // Every table that holds my id is there, with all of its rows about me.
    let mut checked = 0;
    for (table, column) in customer_columns(&app).await {
        let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" = $1");
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&id)
            .fetch_one(&app.state.db)
            .await
            .unwrap()
            .get(0);
        if n == 0 {
            continue;
        }
        let rows = data["stored"][&table]
            .as_array()
            .unwrap_or_else(|| panic!("{table} holds my id in {column} but is not in the export"));
        let mine = rows.iter().filter(|r| r[&column] == id.as_str()).count();
        assert_eq!(mine as i64, n, "{table}.{column}");
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} tables had rows");
    for table in [
        "sessions",
        "security_events",
        "addresses",
        "orders",
        "saved_cards",
        "reviews",
        "support_tickets",
        "support_messages",
    ] {
        assert!(data["stored"][table].is_array(), "{table} missing");
    }
    assert_eq!(data["stored"]["customers"][0]["last_name"], "Шпаковская");

    // No secrets, nothing of the other customer.
    let text = data.to_string();
    for secret in [
        "password_hash",
        "token_hash",
        "code_hash",
        "\"token\"",
        "payload",
    ] {
        assert!(!text.contains(secret), "{secret} exported");
    }
    assert!(!text.contains(&other_email) && !text.contains(&other_number));

    // Guests get nothing; the page offers the same file.
    let guest = client()
        .get(format!("{}/api/v1/me/export", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(guest.status(), 401);
}

#[tokio::test]
async fn deleting_the_account_erases_every_personal_cell_and_frees_the_contacts() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (phone, email, token, id, number) = busy_customer(&app, "Шпаковская", "Заречная").await;
    let (_, other_email, other_token, _, _) = busy_customer(&app, "Ковалевская", "Садовая").await;
    let mut events = app.state.notifier.subscribe();

    // Only a fresh sign-in may delete.
    app.advance(16 * 60);
    let e = app
        .api(Method::DELETE, "/me", Some(&token), None)
        .await
        .expect(403);
    assert_eq!(e.code(), "reauth_required");
    let (token, _) = app.sign_in(&phone).await;

    // A return still to be decided keeps the account (money may be due); once decided, it
    // stays with its order without the customer's words.
    let order = app
        .get(&format!("/orders/{number}"), Some(&token))
        .await
        .expect(200)
        .json();
    let product = order["lines"][0]["product_id"].as_str().unwrap().to_owned();
    let ret = app
        .api(
            Method::POST,
            "/returns",
            Some(&token),
            Some(json!({"order_number": number, "product_id": product, "quantity": 1,
                "reason": "defect", "comment": "Шпаковская просит вернуть", "refund_to": "balance"})),
        )
        .await
        .expect(201)
        .json();
    let e = app
        .api(Method::DELETE, "/me", Some(&token), None)
        .await
        .expect(409);
    assert_eq!(e.code(), "orders_in_progress");
    let support = app.staff("support").await;
    app.api(
        Method::POST,
        &format!("/staff/returns/{}/reject", ret["id"].as_str().unwrap()),
        Some(&support.token),
        Some(json!({"reason": "Следы использования"})),
    )
    .await
    .expect(200);
    app.api(Method::DELETE, "/me", Some(&token), None)
        .await
        .expect(204);

    // The customer is told by email; wait until that letter has left the outbox.
    loop {
        let d = events.recv().await.unwrap();
        if d.to == email {
            assert!(d.error.is_none(), "{d:?}");
            break;
        }
    }
    let told: Vec<Value> = app.outbox(&email).await;
    assert!(
        told.last().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("аккаунт в магазине удалён"),
        "{told:?}"
    );

    // Every session is over.
    app.get("/me", Some(&token)).await.expect(401);

    // No column of any table holds the phone, the email, the surname or the address.
    for needle in [
        phone.as_str(),
        &phone[2..],
        email.as_str(),
        "Шпаковская",
        "Заречная",
    ] {
        let found = cells_with(&app, needle).await;
        assert!(found.is_empty(), "{needle} still in {found:?}");
    }
    // What the limits keep about the phone expires within a day.
    let now = kabinet::clock::Clock::now_ms(&*app.clock);
    let lasting: i64 = sqlx::query(
        "SELECT COUNT(*) FROM rate_counters WHERE key LIKE '%' || $1 || '%' AND expires_at > $2",
    )
    .bind(&phone)
    .bind(now + 86_400_000)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
    .get(0);
    assert_eq!(lasting, 0);
    // The order stays for accounting, without the person.
    let kept: i64 =
        sqlx::query("SELECT COUNT(*) FROM orders WHERE customer_id = $1 AND number = $2")
            .bind(&id)
            .bind(&number)
            .fetch_one(&app.state.db)
            .await
            .unwrap()
            .get(0);
    assert_eq!(kept, 1);
    // The other customer lost nothing.
    assert!(!cells_with(&app, &other_email).await.is_empty());
    app.get("/me", Some(&other_token)).await.expect(200);

    // The phone and email are free: a new, empty account.
    let (fresh, _) = app.sign_in(&phone).await;
    let me = app.get("/me", Some(&fresh)).await.expect(200).json();
    assert_ne!(me["id"], id.as_str());
    assert_eq!(me["last_name"], "");
    let orders = app.get("/orders", Some(&fresh)).await.expect(200).json();
    assert!(orders["items"].as_array().unwrap().is_empty(), "{orders}");
    let export = app.get("/me/export", Some(&fresh)).await.expect(200).json();
    let text = export.to_string();
    assert!(!text.contains(&id) && !text.contains(&number) && !text.contains("Заречная"));
    let addresses = app
        .get("/me/addresses", Some(&fresh))
        .await
        .expect(200)
        .json();
    assert!(
        addresses["items"].as_array().unwrap().is_empty(),
        "{addresses}"
    );
}

#[tokio::test]
async fn an_order_on_its_way_keeps_the_account_and_racing_deletions_erase_once() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let products = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let pid = products
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.api(
        Method::PUT,
        &format!("/cart/items/{pid}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let body = json!({"delivery": {"method": "pickup_point", "pickup_point_id": moscow_point(&app).await},
        "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    let number = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(body),
            &[("idempotency-key", &new_email())],
        )
        .await
        .expect(201)
        .json()["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = app
        .api(Method::DELETE, "/me", Some(&token), None)
        .await
        .expect(409);
    assert_eq!(e.code(), "orders_in_progress");
    app.get("/me", Some(&token)).await.expect(200);

    // Once it has arrived, 100 deletions at once: one erasure, one SMS, the rest see no session.
    for step in ["assembling", "shipped", "ready_for_pickup", "received"] {
        kabinet::orders::advance(&app.state, &number, step)
            .await
            .unwrap();
    }
    let before = app
        .outbox(&phone)
        .await
        .iter()
        .filter(|m| m["text"].as_str().unwrap().contains("удалён"))
        .count();
    assert_eq!(before, 0);
    let answers = all_at_once(
        (0..100)
            .map(|_| app.api(Method::DELETE, "/me", Some(&token), None))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert!(count(&answers, 204, None) >= 1);
    assert_eq!(count(&answers, 204, None) + count(&answers, 401, None), 100);
    let told = app
        .outbox(&phone)
        .await
        .iter()
        .filter(|m| m["text"].as_str().unwrap().contains("удалён"))
        .count();
    assert_eq!(told, 1, "one notice");
}

#[tokio::test]
async fn the_page_downloads_the_file_and_deletes_after_a_tick() {
    let app = spawn_app().await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account/data", &phone, &phone).await;
    let html = get_page(&app, "/account/data").await.expect(200).text;
    for needle in [
        "Мои данные",
        "Скачать файл",
        "Удалить аккаунт",
        "/account/data/export",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    let file = get_page(&app, "/account/data/export").await.expect(200);
    assert!(
        file.header("content-disposition")
            .unwrap()
            .contains("kabinet-my-data.json")
    );
    let data: Value = serde_json::from_str(&file.text).unwrap();
    assert_eq!(data["profile"]["phone"], phone.as_str());

    let csrf = csrf_of(&html);
    let r = post_form(&app, "/account/data", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("Отметьте"), "{}", r.text);
    let r = post_form(&app, "/account/data", &[("csrf", &csrf), ("confirm", "1")])
        .await
        .expect(303);
    assert_eq!(r.header("location").as_deref(), Some("/account/deleted"));
    let done = get_page(&app, "/account/deleted").await.expect(200).text;
    assert!(done.contains("Аккаунт удалён"), "{done}");
    let r = get_page(&app, "/account").await.expect(303);
    assert!(r.header("location").unwrap().starts_with("/login"));
}
