//! «Мои отзывы» (issue 13): reviews only of received products, pending ones visible to their
//! author only, moderation (publish / reject with a reason), one per product, validation,
//! roles, and a hundred simultaneous publishes making one change.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const CARD_OK: &str = "2200 0000 0000 0004";

/// A customer with a name: (phone, token).
async fn customer(app: &TestApp, first: &str, last: &str) -> (String, String) {
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    app.api(
        Method::PATCH,
        "/me",
        Some(&token),
        Some(json!({"first_name": first, "last_name": last})),
    )
    .await
    .expect(200);
    (phone, token)
}

/// A paid courier order of one product: (number, product id).
async fn order(app: &TestApp, token: &str, nth: usize) -> (String, String) {
    let items = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let p = items
        .iter()
        .filter(|p| p["stock"].as_i64().unwrap() > 5)
        .nth(nth)
        .expect("a product in stock");
    let product = p["id"].as_str().unwrap().to_owned();
    app.api(
        Method::PUT,
        &format!("/cart/items/{product}"),
        Some(token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let body = json!({"delivery": {"method": "courier", "address": "г. Тверь, ул. Советская, д. 5"},
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
    (o["number"].as_str().unwrap().to_owned(), product)
}

async fn receive(app: &TestApp, number: &str) {
    for s in ["assembling", "shipped", "received"] {
        kabinet::orders::advance(&app.state, number, s)
            .await
            .unwrap();
    }
}

/// A customer who received a product: (phone, token, product id).
pub async fn with_received(app: &TestApp, nth: usize) -> (String, String, String) {
    let (phone, token) = customer(app, "Анна", "Смирнова").await;
    let (number, product) = order(app, &token, nth).await;
    receive(app, &number).await;
    (phone, token, product)
}

async fn write(app: &TestApp, token: &str, product: &str, rating: i64, text: &str) -> Resp {
    app.api(
        Method::POST,
        "/reviews",
        Some(token),
        Some(json!({"product_id": product, "rating": rating, "text": text, "pros": "Быстро греется", "cons": ""})),
    )
    .await
}

async fn mine(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/me/reviews", Some(token)).await.expect(200).json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn on_product(app: &TestApp, product: &str) -> Value {
    app.get(&format!("/products/{product}/reviews"), None)
        .await
        .expect(200)
        .json()
}

async fn publish(app: &TestApp, staff: &str, id: &str) -> Resp {
    app.api(
        Method::POST,
        &format!("/staff/reviews/{id}/publish"),
        Some(staff),
        None,
    )
    .await
}

#[tokio::test]
async fn only_a_received_product_may_be_reviewed() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (_, token) = customer(&app, "Иван", "Петров").await;
    let (number, bought) = order(&app, &token, 0).await;
    let other = app.get("/products?limit=100", None).await.json()["items"][5]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Never bought.
    let r = write(&app, &token, &other, 5, "Прекрасная вещь, всем советую")
        .await
        .expect(403);
    assert_eq!(r.code(), "not_purchased");
    // Bought, paid, on its way: not yet.
    let r = write(&app, &token, &bought, 5, "Прекрасная вещь, всем советую")
        .await
        .expect(403);
    assert_eq!(r.code(), "not_purchased");
    kabinet::orders::advance(&app.state, &number, "assembling")
        .await
        .unwrap();
    kabinet::orders::advance(&app.state, &number, "shipped")
        .await
        .unwrap();
    write(&app, &token, &bought, 5, "Прекрасная вещь, всем советую")
        .await
        .expect(403);
    kabinet::orders::advance(&app.state, &number, "received")
        .await
        .unwrap();
    let r = write(&app, &token, &bought, 5, "Прекрасная вещь, всем советую")
        .await
        .expect(201);
    assert_eq!(r.json()["status"], "pending");
    // Someone else's received product is not mine.
    let (_, stranger) = customer(&app, "Ольга", "Ким").await;
    write(&app, &stranger, &bought, 4, "Чужой отзыв о чужом товаре")
        .await
        .expect(403);
    // Signed out (a browser without cookies): 401.
    let r = client()
        .post(format!("{}/api/v1/reviews", app.base))
        .json(&json!({"product_id": bought, "rating": 5, "text": "Без входа нельзя писать"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn pending_is_seen_by_its_author_only_and_published_shows_on_the_product() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (_, token, product) = with_received(&app, 1).await;
    let id = write(&app, &token, &product, 4, "Хороший чайник, но шумный")
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let my = mine(&app, &token).await;
    assert_eq!(my.len(), 1);
    assert_eq!(my[0]["status"], "pending");
    assert_eq!(my[0]["product_id"], product.as_str());
    assert!(my[0]["product_title"].as_str().unwrap().len() > 2);
    assert_eq!(my[0]["pros"], "Быстро греется");
    // Not on the product, not to another customer.
    let p = on_product(&app, &product).await;
    assert_eq!(p["count"], 0);
    assert!(p["average"].is_null());
    assert!(p["items"].as_array().unwrap().is_empty());
    let (_, other) = customer(&app, "Пётр", "Иванов").await;
    assert!(mine(&app, &other).await.is_empty());
    app.api(
        Method::PUT,
        &format!("/me/reviews/{id}"),
        Some(&other),
        Some(json!({"rating": 1, "text": "Чужой отзыв правлю я"})),
    )
    .await
    .expect(404);
    let page = app.page(&format!("/catalog/{product}"), None).await;
    assert!(!page.contains("Хороший чайник, но шумный"));
    let page = app.page("/account/reviews", Some(&token)).await;
    assert!(page.contains("На модерации") && page.contains("Хороший чайник, но шумный"));
    // Published: on the product with the average, the author as «Анна С.», never a contact.
    let moderator = app.staff("moderator").await;
    publish(&app, &moderator.token, &id).await.expect(200);
    let my = mine(&app, &token).await;
    assert_eq!(my[0]["status"], "published");
    // A second customer's published review makes the average.
    let (_, token2, _) = {
        let (phone, t) = customer(&app, "Борис", "").await;
        let (number, _) = {
            // The same product, bought and received by the second customer.
            app.api(
                Method::PUT,
                &format!("/cart/items/{product}"),
                Some(&t),
                Some(json!({"quantity": 1})),
            )
            .await
            .expect(200);
            let body = json!({"delivery": {"method": "courier", "address": "г. Тверь, ул. Советская, д. 5"},
                "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
            let key = new_email();
            let o = app
                .send(
                    Method::POST,
                    "/orders",
                    Some(&t),
                    Some(body),
                    &[("idempotency-key", &key)],
                )
                .await
                .expect(201)
                .json();
            (o["number"].as_str().unwrap().to_owned(), ())
        };
        receive(&app, &number).await;
        (phone, t, ())
    };
    let id2 = write(&app, &token2, &product, 5, "Отличный, без нареканий")
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    publish(&app, &moderator.token, &id2).await.expect(200);
    let p = on_product(&app, &product).await;
    assert_eq!(p["count"], 2);
    assert_eq!(p["average"], 4.5);
    let authors: Vec<&str> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["Борис", "Анна С."]);
    assert!(!p.to_string().contains("+7916"), "no contacts");
    let page = app.page(&format!("/catalog/{product}"), None).await;
    assert!(
        page.contains("Хороший чайник, но шумный")
            && page.contains("4,5")
            && page.contains("2 отзыва"),
        "{page}"
    );
    // Paged by keyset.
    let first = app
        .get(&format!("/products/{product}/reviews?limit=1"), None)
        .await
        .expect(200)
        .json();
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(
            &format!(
                "/products/{product}/reviews?limit=1&cursor={}",
                urlencode(&cursor)
            ),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(second["items"][0]["author"], "Анна С.");
    assert!(second["next_cursor"].is_null());
    // The product page pages the same way («Показать ещё отзывы»).
    let older = app
        .page(
            &format!("/catalog/{product}?reviews={}", urlencode(&cursor)),
            None,
        )
        .await;
    assert!(
        older.contains("Хороший чайник, но шумный") && !older.contains("Отличный, без нареканий")
    );
    // A mangled «Показать ещё» link shows the newest reviews, not a broken product page.
    let mangled = app
        .page(&format!("/catalog/{product}?reviews=not-a-cursor"), None)
        .await;
    assert!(mangled.contains("Отличный, без нареканий"));
    // An unknown product, a cursor we never gave out.
    let r = app
        .get(
            "/products/01a23092-0000-7000-8000-000000000000/reviews",
            None,
        )
        .await
        .expect(404);
    assert_eq!(r.code(), "product_not_found");
    let r = app
        .get(&format!("/products/{product}/reviews?cursor=zzz"), None)
        .await
        .expect(400);
    assert_eq!(r.code(), "invalid_cursor");
    // A published review is final.
    let r = app
        .api(
            Method::PUT,
            &format!("/me/reviews/{id}"),
            Some(&token),
            Some(json!({"rating": 1, "text": "Передумала, плохой чайник"})),
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "review_published");
    // Deciding it again: 409.
    assert_eq!(
        publish(&app, &moderator.token, &id)
            .await
            .expect(409)
            .code(),
        "review_decided"
    );
    let audit: i64 = app
        .scalar_i64(
            "SELECT COUNT(*) FROM staff_audit WHERE action = 'review_published' AND target = $1",
            &id,
        )
        .await;
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn a_rejected_review_shows_its_reason_and_may_be_edited_back_to_pending() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (phone, token, product) = with_received(&app, 2).await;
    let id = write(&app, &token, &product, 2, "Ужасно, продавец — жулик!!!")
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let moderator = app.staff("moderator").await;
    let r = app
        .api(
            Method::POST,
            &format!("/staff/reviews/{id}/reject"),
            Some(&moderator.token),
            Some(json!({"reason": " "})),
        )
        .await
        .expect(400);
    assert_eq!(r.code(), "reject_reason_required");
    app.api(
        Method::POST,
        &format!("/staff/reviews/{id}/reject"),
        Some(&moderator.token),
        Some(json!({"reason": "Оскорбления продавца"})),
    )
    .await
    .expect(200);
    let my = mine(&app, &token).await;
    assert_eq!(my[0]["status"], "rejected");
    assert_eq!(my[0]["reject_reason"], "Оскорбления продавца");
    assert_eq!(on_product(&app, &product).await["count"], 0);
    let page = app.page("/account/reviews", Some(&token)).await;
    assert!(page.contains("Отклонены") && page.contains("Оскорбления продавца"));
    assert!(
        app.outbox(&phone)
            .await
            .iter()
            .any(|m| m["text"].as_str().unwrap().contains("не прошёл модерацию"))
    );
    // One per product: a second POST answers 409 with the id to edit.
    let r = write(&app, &token, &product, 3, "Второй отзыв о том же товаре")
        .await
        .expect(409);
    assert_eq!(r.code(), "review_exists");
    assert_eq!(r.json()["error"]["review_id"], id.as_str());
    // Edited: pending again, without the reason.
    let e = app
        .api(
            Method::PUT,
            &format!("/me/reviews/{id}"),
            Some(&token),
            Some(json!({"rating": 3, "text": "Товар так себе, шумный", "cons": "Шумит"})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(e["status"], "pending");
    assert!(e.get("reject_reason").is_none());
    assert_eq!(mine(&app, &token).await.len(), 1);
}

#[tokio::test]
async fn ratings_texts_and_markup_are_checked() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (_, token, product) = with_received(&app, 3).await;
    for (rating, text, code) in [
        (0, "Нормальный товар вполне", "invalid_rating"),
        (6, "Нормальный товар вполне", "invalid_rating"),
        (5, "Коротко", "review_text_too_short"),
        (5, &"я".repeat(4001) as &str, "review_text_too_long"),
        (5, "Хорошо <script>alert(1)</script>", "markup_not_allowed"),
    ] {
        let r = write(&app, &token, &product, rating, text)
            .await
            .expect(400);
        assert_eq!(r.code(), code, "{rating} {}", &text[..10.min(text.len())]);
    }
    let r = app.api(Method::POST, "/reviews", Some(&token), Some(json!({"product_id": product, "rating": 5, "text": "Нормальный товар вполне", "pros": "x".repeat(1001)})))
        .await
        .expect(400);
    assert_eq!(r.code(), "review_part_too_long");
    assert!(mine(&app, &token).await.is_empty(), "nothing stored");
    // Comparisons are not markup; what is shown is escaped.
    write(&app, &token, &product, 5, "Дешевле < 1000 ₽ & работает")
        .await
        .expect(201);
    let page = app.page("/account/reviews", Some(&token)).await;
    assert!(
        page.contains("Дешевле &lt; 1000 ₽ &amp; работает")
            || page.contains("Дешевле &#60; 1000 ₽ &#38; работает"),
        "escaped"
    );
}

#[tokio::test]
async fn only_moderators_and_admins_decide() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (_, token, product) = with_received(&app, 4).await;
    let id = write(&app, &token, &product, 5, "Всё отлично, спасибо")
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let support = app.staff("support").await;
    assert_eq!(
        publish(&app, &support.token, &id).await.expect(403).code(),
        "forbidden_role"
    );
    app.get("/staff/reviews", Some(&support.token))
        .await
        .expect(403);
    // A customer's token is not a staff session.
    publish(&app, &token, &id).await.expect(401);
    let admin = app.staff("admin").await;
    let q = app
        .get("/staff/reviews?status=pending", Some(&admin.token))
        .await
        .expect(200)
        .json();
    assert_eq!(q["items"][0]["id"], id.as_str());
    publish(&app, &admin.token, &"0".repeat(8))
        .await
        .expect(404);
    publish(&app, &admin.token, &id).await.expect(200);
    let q = app
        .get("/staff/reviews", Some(&admin.token))
        .await
        .expect(200)
        .json();
    assert!(q["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_hundred_simultaneous_publishes_make_one() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (_, token, product) = with_received(&app, 5).await;
    let id = write(&app, &token, &product, 5, "Сто модераторов жмут кнопку")
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let moderator = app.staff("moderator").await;
    let answers = all_at_once(
        (0..100)
            .map(|_| publish(&app, &moderator.token, &id))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1);
    assert_eq!(count(&answers, 409, Some("review_decided")), 99);
    let audit = app
        .scalar_i64("SELECT COUNT(*) FROM staff_audit WHERE target = $1", &id)
        .await;
    assert_eq!(audit, 1);
    // A hundred simultaneous first reviews of one product: one stored.
    let (_, token2, product2) = with_received(&app, 6).await;
    let answers = all_at_once(
        (0..100)
            .map(|_| write(&app, &token2, &product2, 4, "Сто одинаковых отзывов"))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 1);
    assert_eq!(count(&answers, 409, Some("review_exists")), 99);
}

#[tokio::test]
async fn the_pages_write_and_edit_a_review_without_javascript() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account", &phone, &phone).await;
    let token = app.sign_in(&phone).await.0;
    let (number, product) = order(&app, &token, 7).await;
    // Not received yet: the form page refuses with the reason.
    let r = get_page(&app, &format!("/account/reviews/new?product={product}"))
        .await
        .expect(403);
    assert!(r.text.contains("купили и получили"));
    receive(&app, &number).await;
    let detail = get_page(&app, &format!("/orders/{number}"))
        .await
        .expect(200)
        .text;
    assert!(
        detail.contains(&format!("/account/reviews/new?product={product}")),
        "«Оставить отзыв» on the received order"
    );
    let form = get_page(&app, &format!("/account/reviews/new?product={product}"))
        .await
        .expect(200)
        .text;
    assert!(form.contains("type=\"radio\"") && form.contains("name=\"rating\" value=\"5\""));
    let csrf = csrf_of(&form);
    // A bad rating keeps what was typed and says why.
    let r = post_form(
        &app,
        "/account/reviews",
        &[
            ("csrf", &csrf),
            ("product", &product),
            ("text", "Текст без оценки, но длинный"),
        ],
    )
    .await
    .expect(400);
    assert!(r.text.contains("Поставьте оценку") && r.text.contains("Текст без оценки, но длинный"));
    let r = post_form(
        &app,
        "/account/reviews",
        &[
            ("csrf", &csrf),
            ("product", &product),
            ("rating", "4"),
            ("text", "Хорошая вещь <b>жирно</b>"),
        ],
    )
    .await
    .expect(400);
    assert!(r.text.contains("HTML-разметку"));
    assert!(
        !r.text.contains("<b>жирно")
            && (r.text.contains("&lt;b&gt;жирно") || r.text.contains("&#60;b&#62;жирно")),
        "escaped"
    );
    let r = post_form(
        &app,
        "/account/reviews",
        &[
            ("csrf", &csrf),
            ("product", &product),
            ("rating", "4"),
            ("text", "Хорошая вещь, пользуюсь каждый день"),
            ("pros", "Удобно"),
        ],
    )
    .await
    .expect(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/account/reviews?done=created")
    );
    let id = mine(&app, &token).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The form again for the same product leads to the edit form.
    let r = get_page(&app, &format!("/account/reviews/new?product={product}"))
        .await
        .expect(303);
    assert_eq!(
        r.header("location"),
        Some(format!("/account/reviews/{id}/edit"))
    );
    let edit = get_page(&app, &format!("/account/reviews/{id}/edit"))
        .await
        .expect(200)
        .text;
    assert!(
        edit.contains("Хорошая вещь, пользуюсь каждый день")
            && edit.contains("value=\"4\" checked")
    );
    post_form(
        &app,
        &format!("/account/reviews/{id}"),
        &[
            ("csrf", &csrf),
            ("rating", "5"),
            ("text", "Отличная вещь, пользуюсь каждый день"),
        ],
    )
    .await
    .expect(303);
    assert_eq!(mine(&app, &token).await[0]["rating"], 5);
    // Without the form's token: refused.
    post_form(
        &app,
        &format!("/account/reviews/{id}"),
        &[("rating", "1"), ("text", "Подделанная форма отзыва")],
    )
    .await
    .expect(403);
    // Another customer's edit page: not found.
    let (_, other) = customer(&app, "Ольга", "Ким").await;
    let r = app
        .client
        .get(format!("{}/account/reviews/{id}/edit", app.base))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn an_edit_made_while_the_moderator_reads_is_not_published_unread() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (_, token, product) = with_received(&app, 3).await;
    let id = write(&app, &token, &product, 5, "Хороший чайник, рекомендую")
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let moderator = app.staff("moderator").await;
    let queue = app
        .get("/staff/reviews?status=pending", Some(&moderator.token))
        .await
        .expect(200)
        .json();
    let seen = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .expect("in the queue")["version"]
        .as_i64()
        .unwrap();
    // The author edits it meanwhile.
    app.advance(5);
    app.api(
        Method::PUT,
        &format!("/me/reviews/{id}"),
        Some(&token),
        Some(json!({"rating": 1, "text": "Совсем другой текст после правки"})),
    )
    .await
    .expect(200);
    let r = app
        .api(
            Method::POST,
            &format!("/staff/reviews/{id}/publish?version={seen}"),
            Some(&moderator.token),
            None,
        )
        .await
        .expect(409);
    assert_eq!(r.code(), "review_changed");
    assert_eq!(on_product(&app, &product).await["count"], 0);
    // Read again, then published.
    let now = app
        .get("/staff/reviews?status=pending", Some(&moderator.token))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap()["version"]
        .as_i64()
        .unwrap();
    assert_ne!(now, seen);
    let p = app
        .api(
            Method::POST,
            &format!("/staff/reviews/{id}/publish?version={now}"),
            Some(&moderator.token),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(p["text"], "Совсем другой текст после правки");
    assert_eq!(on_product(&app, &product).await["count"], 1);
}
