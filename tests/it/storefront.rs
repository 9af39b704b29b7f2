//! The shop as a Russian shopper meets it (issue 9): the guest cart survives sign-in into
//! checkout, search understands word forms, counts take plurals, times read in the shop's zone,
//! confirmations come before what cannot be undone, and the account pages for cards and
//! addresses keep to their owner.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn demo() -> TestApp {
    spawn_app_with(|c| c.demo = Some(true)).await
}

/// Demo products with at least `min_stock` in stock.
async fn in_stock(app: &TestApp, min_stock: i64) -> Vec<Value> {
    app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["stock"].as_i64().unwrap() >= min_stock)
        .cloned()
        .collect()
}

fn id(p: &Value) -> String {
    p["id"].as_str().unwrap().to_owned()
}

fn pairs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Signs in through the pages by phone, on to `next`.
async fn sign_in_through_pages(app: &TestApp, phone: &str, next: &str) -> String {
    sign_in_by_pages(app, next, phone, phone).await;
    next.to_owned()
}

#[tokio::test]
async fn a_guest_cart_is_in_checkout_right_after_signing_in() {
    let app = demo().await;
    let goods = in_stock(&app, 5).await;
    let (a, b) = (&goods[0], &goods[1]);
    // The customer already has one of A in the account cart (from another device).
    let phone = new_phone();
    let device = app.second_node().await;
    let (token, _) = device.sign_in(&phone).await;
    app.api(
        Method::PUT,
        &format!("/cart/items/{}", id(a)),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    // As a guest in the browser: one more A and one B.
    let catalog = app.page("/catalog", None).await;
    let csrf = csrf_of(&catalog);
    for p in [a, b] {
        post_form(
            &app,
            "/cart/add",
            &[("csrf", &csrf), ("product_id", &id(p))],
        )
        .await
        .expect(303);
    }
    let cart = app.page("/cart", None).await;
    assert!(
        cart.contains("data-testid=\"cart-count\""),
        "header counter"
    );
    assert!(cart.contains("2 товара"), "two items as a guest");
    // «Перейти к оформлению» → sign in → straight back to checkout with everything.
    assert_eq!(
        sign_in_through_pages(&app, &phone, "/checkout").await,
        "/checkout"
    );
    let checkout = app.page("/checkout", None).await;
    assert!(!checkout.contains("В корзине пока пусто"), "{checkout}");
    for p in [a, b] {
        assert!(checkout.contains(&format!("data-line=\"{}\"", id(p))));
    }
    assert!(checkout.contains("3 товара"), "1 + 1 of A and 1 of B");
    let api_cart = app.get("/cart", Some(&token)).await.json();
    let qty = |p: &Value| {
        api_cart["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"] == p["id"])
            .map(|l| l["quantity"].as_i64().unwrap())
    };
    assert_eq!((qty(a), qty(b)), (Some(2), Some(1)));
    // The guest cookie is gone: signing out leaves an empty guest cart, not the old one.
    let account = app.page("/account", None).await;
    post_form(&app, "/logout", &[("csrf", &csrf_of(&account))])
        .await
        .expect(303);
    assert!(
        app.page("/cart", None)
            .await
            .contains("В корзине пока пусто")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guest_cart_merges_once_however_many_requests_race() {
    let app = demo().await;
    let goods = in_stock(&app, 10).await;
    let p = &goods[0];
    let (token, _) = app.sign_in(&new_phone()).await;
    // A browser without a cookie jar: its guest cookie is sent by hand.
    let raw = reqwest::Client::new();
    let guest = "g".repeat(40);
    let cookie = format!("kabinet_cart={guest}");
    let r = raw
        .put(format!("{}/api/v1/cart/items/{}", app.base, id(p)))
        .header("cookie", &cookie)
        .json(&json!({"quantity": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A hundred requests at once, signed in and still carrying the guest cookie.
    let answers = all_at_once(
        (0..100)
            .map(|_| {
                let (raw, cookie, token, url) = (
                    raw.clone(),
                    cookie.clone(),
                    token.clone(),
                    format!("{}/api/v1/cart", app.base),
                );
                async move {
                    let res = raw
                        .get(url)
                        .header("cookie", cookie)
                        .bearer_auth(token)
                        .send()
                        .await
                        .unwrap();
                    Resp {
                        status: res.status(),
                        headers: res.headers().clone(),
                        text: res.text().await.unwrap(),
                    }
                }
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 100);
    let cart = app.get("/cart", Some(&token)).await.json();
    assert_eq!(
        cart["lines"][0]["quantity"], 3,
        "added once, not once per request"
    );
    assert_eq!(cart["lines"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn search_understands_russian_word_forms_and_everyday_words() {
    let app = demo().await;
    let csv = "sku;title;seller;category;price;old_price;weight_g;length_mm;width_mm;height_mm;stock;warehouse_city;attributes\n\
               K-1;Чайник электрический Bosch TWK 3A011;Уютный дом;Бытовая техника;2990;;1200;250;180;250;10;Москва;\n\
               K-2;Чайник заварочный стеклянный;Уютный дом;Дом и сад;990;;500;200;150;150;10;Москва;\n";
    kabinet::catalog::import::run(&app.state.db, &temp_file("kettles.csv", csv), 0)
        .await
        .unwrap();
    let titles = |q: &str| {
        let app = &app;
        let q = q.to_owned();
        async move {
            app.get(&format!("/products?limit=100&q={}", urlencode(&q)), None)
                .await
                .expect(200)
                .json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    for q in ["чайники", "Чайнику", "чайников электрических"] {
        let found = titles(q).await;
        assert!(
            found.iter().any(|t| t.starts_with("Чайник электрический")),
            "{q}: {found:?}"
        );
    }
    assert_eq!(
        titles("чайники заварочные").await,
        ["Чайник заварочный стеклянный"]
    );
    // «телефон» finds smartphones; a word inside another word does not count.
    let phones = titles("телефон").await;
    assert!(
        !phones.is_empty() && phones.iter().all(|t| t.contains("Смартфон")),
        "{phones:?}"
    );
    assert!(titles("айник").await.is_empty(), "word starts only");
    // The page: a count in Russian; cheapest first within a price range.
    let one = app
        .page(
            &format!("/catalog?q={}", urlencode("чайники заварочные")),
            None,
        )
        .await;
    assert!(one.contains("Найден 1 товар<"), "one kettle for brewing");
    let html = app
        .page(
            &format!(
                "/catalog?q={}&sort=price_asc&min_price=500&max_price=3000",
                urlencode("чайники")
            ),
            None,
        )
        .await;
    let prices: Vec<i64> = html
        .match_indices("<span class=\"price\">")
        .map(|(i, m)| {
            html[i + m.len()..]
                .chars()
                .take_while(|c| *c != ',')
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(prices.len() >= 2, "{prices:?}");
    assert!(
        prices.windows(2).all(|w| w[0] <= w[1]),
        "ascending: {prices:?}"
    );
    assert!(
        prices.iter().all(|p| (500..=3000).contains(p)),
        "{prices:?}"
    );
    assert!(html.contains(&format!("Найдено {} ", prices.len())) || prices.len() % 10 == 1);
    let none = app
        .page(&format!("/catalog?q={}", urlencode("звездолёт")), None)
        .await;
    assert!(none.contains("Найдено 0 товаров") && none.contains("data-testid=\"nothing\""));
    assert!(none.contains("Попробуйте"));
    let bad = get_page(&app, "/catalog?min_price=abc").await.expect(400);
    assert!(bad.text.contains("Цена — целое число рублей"));
}

#[tokio::test]
async fn show_more_keeps_what_was_shown_and_adds_the_next_step() {
    let app = demo().await;
    let first = app.page("/catalog", None).await;
    let second = app.page("/catalog?step=2", None).await;
    let n = |h: &str| h.matches("data-product=\"").count();
    assert_eq!(n(&first), 24);
    assert_eq!(n(&second), 48);
    assert!(first.contains("step=2#more"));
    assert!(second.contains("id=\"more\""));
}

#[tokio::test]
async fn pages_show_moscow_time_in_words_and_the_zone_is_configurable() {
    for (zone, offset_h) in [("Europe/Moscow", 3), ("Asia/Vladivostok", 10)] {
        let app = spawn_app_with(|c| {
            c.demo = Some(true);
            c.time_zone = zone.into();
        })
        .await;
        let (token, _) = app.sign_in(&new_phone()).await;
        let goods = in_stock(&app, 5).await;
        app.api(
            Method::PUT,
            &format!("/cart/items/{}", id(&goods[0])),
            Some(&token),
            Some(json!({"quantity": 1})),
        )
        .await
        .expect(200);
        let point = moscow_point(&app).await;
        let order = app
            .send(
                Method::POST,
                "/orders",
                Some(&token),
                Some(
                    json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
                    "payment": {"method": "card", "card": {"number": "2200 0000 0000 0004",
                                "exp_month": 12, "exp_year": 2030, "cvc": "123"}}}),
                ),
                &[("idempotency-key", "k1")],
            )
            .await
            .expect(201)
            .json();
        let number = order["number"].as_str().unwrap();
        // The API stays UTC; the page says the shop's local time in words.
        let placed = order["placed_at"].as_str().unwrap();
        assert!(placed.ends_with('Z'), "{placed}");
        let utc: jiff::Timestamp = placed.parse().unwrap();
        let local = utc
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(offset_h)))
            .datetime();
        let months = [
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ];
        let words = format!(
            "{} {} {}, {:02}:{:02}",
            local.day(),
            months[local.month() as usize - 1],
            local.year(),
            local.hour(),
            local.minute()
        );
        let html = app.page(&format!("/orders/{number}"), Some(&token)).await;
        assert!(html.contains(&words), "{zone}: {words} in the order page");
        assert!(!html.contains(" UTC"), "no UTC on pages");
        assert!(html.contains("1 товар<"), "one item, singular");
    }
}

#[tokio::test]
async fn an_unknown_time_zone_refuses_to_start() {
    let config = kabinet::config::Config {
        time_zone: "Europe/Atlantis".into(),
        ..Default::default()
    };
    let err = config.validate().unwrap_err().to_string();
    assert!(err.contains("KABINET_TIME_ZONE=Europe/Atlantis"), "{err}");
}

/// Places a paid order through the pages; returns its number.
async fn order_through_pages(app: &TestApp, card: &str) -> (String, reqwest::Response) {
    let goods = in_stock(app, 5).await;
    let catalog = app.page("/catalog", None).await;
    let csrf = csrf_of(&catalog);
    post_form(
        app,
        "/cart/add",
        &[("csrf", &csrf), ("product_id", &id(&goods[0]))],
    )
    .await
    .expect(303);
    let point = moscow_point(app).await;
    post_form(
        app,
        "/pickup-points/choose",
        &[
            ("csrf", &csrf),
            ("pickup_point_id", &point),
            ("back", "/checkout"),
        ],
    )
    .await
    .expect(303);
    let checkout = app.page("/checkout", None).await;
    let key = {
        let i = checkout.find("name=\"key\" value=\"").unwrap() + 18;
        checkout[i..i + checkout[i..].find('"').unwrap()].to_owned()
    };
    let r = app
        .client
        .post(format!("{}/checkout", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("key", &key),
            ("method", "point"),
            ("pay", "new"),
            ("save", "1"),
            ("card_number", card),
            ("exp_month", "12"),
            ("exp_year", "2030"),
            ("cvc", "123"),
            ("recipient_name", "Анна Покупателева"),
            ("recipient_phone", "+7 916 123-45-67"),
        ])
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let number = location
        .split('/')
        .find(|s| s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty())
        .unwrap()
        .to_owned();
    (number, r)
}

#[tokio::test]
async fn checkout_thanks_the_customer_and_cancelling_asks_first() {
    let app = demo().await;
    let phone = new_phone();
    sign_in_through_pages(&app, &phone, "/account").await;
    // «Пересчитать» (no JavaScript) shows the courier total without paying.
    let checkout = app.page("/checkout", None).await;
    assert!(checkout.contains("В корзине пока пусто"));
    let (number, r) = order_through_pages(&app, "2200 0000 0000 0004").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/orders/{number}/thanks")
    );
    let thanks = app.page(&format!("/orders/{number}/thanks"), None).await;
    assert!(thanks.contains("Спасибо за заказ"));
    assert!(thanks.contains("Что дальше") && thanks.contains("1 товар"));
    assert!(thanks.contains("Всё приедет одной посылкой"));
    // The order page links to a confirmation step instead of cancelling at once.
    let order = app.page(&format!("/orders/{number}"), None).await;
    assert!(order.contains(&format!("href=\"/orders/{number}/cancel\"")));
    let confirm = app.page(&format!("/orders/{number}/cancel"), None).await;
    assert!(confirm.contains("Почему вы отменяете заказ?"));
    assert!(confirm.contains("Деньги вернутся"), "where the money goes");
    let csrf = csrf_of(&confirm);
    let bad = post_form(
        &app,
        &format!("/orders/{number}/cancel"),
        &[("csrf", &csrf), ("reason", "because")],
    )
    .await;
    assert_eq!(bad.status.as_u16(), 400);
    assert!(
        app.page(&format!("/orders/{number}"), None)
            .await
            .contains("Оплачен")
    );
    post_form(
        &app,
        &format!("/orders/{number}/cancel"),
        &[("csrf", &csrf), ("reason", "found_cheaper")],
    )
    .await
    .expect(303);
    let cancelled = app.page(&format!("/orders/{number}"), None).await;
    assert!(cancelled.contains("Отменён") && cancelled.contains("Возврат оформлен"));
    let reason: String = sqlx::query_scalar("SELECT cancel_reason FROM orders WHERE number = $1")
        .bind(&number)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(reason, "found_cheaper");
}

#[tokio::test]
async fn an_order_cancelled_at_3ds_never_says_paid() {
    let app = demo().await;
    sign_in_through_pages(&app, &new_phone(), "/account").await;
    let (number, r) = order_through_pages(&app, "4000 0000 0000 0010").await;
    let bank = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(bank, format!("/pay/3ds/{number}"));
    // Kabinet hands the customer to the acquirer's own page, which shows only what it holds.
    let bank = get_page(&app, &bank).await.expect(303).headers["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(bank.starts_with("/sandbox-bank/"), "{bank}");
    let page = app.page(&bank, None).await;
    assert!(page.contains("··&nbsp;0010"), "{page}");
    assert!(page.contains("3-D Secure") && page.contains("Тестовый банк"));
    let csrf = csrf_of(&page);
    post_form(&app, &bank, &[("csrf", &csrf), ("decision", "cancel")])
        .await
        .expect(303);
    let order = app.page(&format!("/orders/{number}"), None).await;
    assert!(order.contains("Отменён"));
    assert!(!order.contains("Оплачено"), "{order}");
    assert!(order.contains("не оплачен"));
    // The thanks page is only for paid orders.
    get_page(&app, &format!("/orders/{number}/thanks"))
        .await
        .expect(303);
}

#[tokio::test]
async fn saved_cards_and_addresses_have_pages_that_keep_to_their_owner() {
    let app = demo().await;
    sign_in_through_pages(&app, &new_phone(), "/account").await;
    order_through_pages(&app, "2200 0000 0000 0004").await;
    let cards = app.page("/account/payment-methods", None).await;
    assert!(cards.contains("Мир&nbsp;·· 0004"), "{cards}");
    assert!(cards.contains("Удалить карту") && cards.contains("Да, удалить"));
    let card_id = {
        let i = cards.find("data-card=\"").unwrap() + 11;
        cards[i..i + 36].to_owned()
    };
    // Someone else cannot delete it.
    let other = app.second_node().await;
    sign_in_through_pages(&other, &new_phone(), "/account").await;
    let other_csrf = csrf_of(&other.page("/account", None).await);
    let r = post_form(
        &other,
        &format!("/account/payment-methods/{card_id}/delete"),
        &[("csrf", &other_csrf)],
    )
    .await;
    assert_eq!(r.status.as_u16(), 404);
    let csrf = csrf_of(&cards);
    post_form(
        &app,
        &format!("/account/payment-methods/{card_id}/delete"),
        &[("csrf", &csrf)],
    )
    .await
    .expect(303);
    assert!(
        app.page("/account/payment-methods", None)
            .await
            .contains("Сохранённых карт нет")
    );
    // Addresses: add two, make the second the default, delete the first.
    for a in [
        "Москва, Тверская улица, 7",
        "Санкт-Петербург, Невский проспект, 28",
    ] {
        post_form(
            &app,
            "/account/addresses",
            &[("csrf", &csrf), ("address", a)],
        )
        .await
        .expect(303);
    }
    let book = app.page("/account/addresses", None).await;
    let ids: Vec<String> = book
        .match_indices("data-address=\"")
        .map(|(i, _)| book[i + 14..i + 50].to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    let empty = post_form(
        &app,
        "/account/addresses",
        &[("csrf", &csrf), ("address", " ")],
    )
    .await;
    assert_eq!(empty.status.as_u16(), 400);
    assert!(empty.text.contains("Укажите адрес доставки"));
    post_form(
        &app,
        &format!("/account/addresses/{}/default", ids[1]),
        &[("csrf", &csrf)],
    )
    .await
    .expect(303);
    post_form(
        &app,
        &format!("/account/addresses/{}/delete", ids[0]),
        &[("csrf", &csrf)],
    )
    .await
    .expect(303);
    let book = app.page("/account/addresses", None).await;
    assert_eq!(book.matches("data-address=\"").count(), 1);
    assert!(book.contains("по умолчанию"));
}

#[tokio::test]
async fn pickup_points_speak_russian_about_bad_coordinates_and_empty_results() {
    let app = demo().await;
    let bad = app
        .client
        .get(format!("{}/pickup-points?lat=55,7x&lon=37.6", app.base))
        .send()
        .await
        .unwrap();
    let text = bad.text().await.unwrap();
    assert!(text.contains("Координаты — числа"), "{text}");
    assert!(!text.contains("invalid float"));
    let comma = app
        .page("/pickup-points?lat=55,7558&lon=37,6173", None)
        .await;
    assert!(
        comma.contains("data-point=\""),
        "a comma is a decimal point"
    );
    let none = app
        .page(
            &format!("/pickup-points?q={}", urlencode("Атлантида")),
            None,
        )
        .await;
    assert!(none.contains("data-testid=\"no-points\""));
    assert!(
        app.page("/pickup-points?back=%2Fcheckout", None)
            .await
            .contains("name=\"back\" value=\"/checkout\"")
    );
}

#[tokio::test]
async fn registration_asks_for_consent_and_a_new_account_keeps_its_moment() {
    let app = spawn_app().await;
    let form = app.page("/register", None).await;
    assert!(form.contains("name=\"consent\"") && form.contains("href=\"/privacy\""));
    let csrf = csrf_of(&form);
    let email = new_email();
    let fields = |consent: bool| {
        let mut f = vec![
            ("csrf", csrf.clone()),
            ("first_name", "Ольга".to_owned()),
            ("last_name", "Смирнова".to_owned()),
            ("email", email.clone()),
            ("password", "a long pass phrase 42".to_owned()),
        ];
        if consent {
            f.push(("consent", "1".to_owned()));
        }
        f
    };
    let refused = post_form(&app, "/register", &pairs(&fields(false))).await;
    assert_eq!(refused.status.as_u16(), 400);
    assert!(
        refused
            .text
            .contains("согласие на обработку персональных данных")
    );
    let r = post_form(&app, "/register", &pairs(&fields(true)))
        .await
        .expect(303);
    let code_page = app.page(&r.header("location").unwrap(), None).await;
    assert!(code_page.contains("<h1>Подтверждение регистрации</h1>"));
    // A first sign-in by phone opens the account with the consent shown on the form.
    assert!(
        app.page("/login", None)
            .await
            .contains("вы соглашаетесь на обработку персональных данных")
    );
    let phone = new_phone();
    sign_in_through_pages(&app, &phone, "/account").await;
    let at: Option<i64> = sqlx::query_scalar("SELECT consent_at FROM customers WHERE phone = $1")
        .bind(&phone)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(at, Some(START_MS));
    assert!(app.page("/privacy", None).await.contains("152-ФЗ"));
}

#[tokio::test]
async fn bad_fields_are_named_in_russian_not_in_serde_english() {
    let app = demo().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let goods = in_stock(&app, 1).await;
    let r = app
        .api(
            Method::PUT,
            &format!("/cart/items/{}", id(&goods[0])),
            Some(&token),
            Some(json!({"quantity": "two"})),
        )
        .await;
    assert_eq!(r.code(), "invalid_body");
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert_eq!(
        message,
        "Поля запроса заполнены неверно: у поля «quantity» неверный тип или значение."
    );
    let r = app
        .api(
            Method::POST,
            "/auth/codes",
            None,
            Some(json!({"channel": "sms"})),
        )
        .await;
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("не хватает поля «to»"), "{message}");
    let r = app
        .api(Method::POST, "/auth/codes", None, Some(json!("{")))
        .await;
    assert!(!r.text.contains("Failed to deserialize"), "{}", r.text);
}

#[tokio::test]
async fn purchased_items_filter_by_date_price_category_and_seller_on_the_page() {
    let app = demo().await;
    sign_in_through_pages(&app, &new_phone(), "/account").await;
    order_through_pages(&app, "2200 0000 0000 0004").await;
    let all = app.page("/purchases", None).await;
    assert_eq!(all.matches("<li><a href=\"/catalog/").count(), 1);
    assert!(all.contains("name=\"from\"") && all.contains("name=\"seller\""));
    // START_MS is 5 January 2026 in Moscow.
    let on_day = app
        .page("/purchases?from=2026-01-05&to=2026-01-05", None)
        .await;
    assert_eq!(on_day.matches("<li><a href=\"/catalog/").count(), 1);
    let before = app.page("/purchases?to=2026-01-04", None).await;
    assert_eq!(before.matches("<li><a href=\"/catalog/").count(), 0);
    let dear = app.page("/purchases?min_price=100000000", None).await;
    assert_eq!(dear.matches("<li><a href=\"/catalog/").count(), 0);
    let bad = get_page(&app, "/purchases?from=05.01.2026")
        .await
        .expect(400);
    assert!(bad.text.contains("Дата — в формате ГГГГ-ММ-ДД"));
}

#[tokio::test]
async fn recalculating_without_javascript_keeps_what_was_typed_and_pays_nothing() {
    let app = demo().await;
    sign_in_through_pages(&app, &new_phone(), "/account").await;
    let goods = in_stock(&app, 5).await;
    let catalog = app.page("/catalog", None).await;
    let csrf = csrf_of(&catalog);
    post_form(
        &app,
        "/cart/add",
        &[("csrf", &csrf), ("product_id", &id(&goods[0]))],
    )
    .await
    .expect(303);
    let checkout = app.page("/checkout", None).await;
    let key = {
        let i = checkout.find("name=\"key\" value=\"").unwrap() + 18;
        checkout[i..i + checkout[i..].find('"').unwrap()].to_owned()
    };
    let courier_total = {
        let i = checkout.find("data-total-courier=\"").unwrap() + 20;
        checkout[i..i + checkout[i..].find('"').unwrap()].to_owned()
    };
    let r = post_form(
        &app,
        "/checkout",
        &[
            ("csrf", &csrf),
            ("key", &key),
            ("method", "courier"),
            ("address", "Москва, Тверская улица, 7"),
            ("recipient_name", "Пётр Иванов"),
            ("recipient_phone", "+7 916 000-11-22"),
            ("spasibo", "10"),
            ("pay", "wallet:yoomoney"),
            ("recalc", "1"),
        ],
    )
    .await
    .expect(200);
    assert!(
        r.text
            .contains(&format!("data-testid=\"total\">{courier_total}<")),
        "the courier total"
    );
    for kept in [
        "value=\"Пётр Иванов\"",
        "value=\"+7 916 000-11-22\"",
        "value=\"Москва, Тверская улица, 7\"",
        "value=\"10\"",
        "value=\"wallet:yoomoney\" checked",
        "value=\"courier\" checked",
    ] {
        assert!(r.text.contains(kept), "{kept} kept");
    }
    // Nothing was ordered.
    assert!(app.page("/orders", None).await.contains("Заказов нет."));
    // The pay button comes before «Пересчитать», so Enter pays.
    let pay = r.text.find("data-testid=\"pay\"").unwrap();
    let recalc = r.text.find("name=\"recalc\"").unwrap();
    assert!(pay < recalc);
}

#[tokio::test]
async fn saved_cards_page_wants_a_fresh_sign_in() {
    let app = demo().await;
    sign_in_through_pages(&app, &new_phone(), "/account").await;
    order_through_pages(&app, "2200 0000 0000 0004").await;
    get_page(&app, "/account/payment-methods").await.expect(200);
    app.advance(16 * 60);
    let r = get_page(&app, "/account/payment-methods").await.expect(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/login?next=%2Faccount%2Fpayment-methods")
    );
}

/// The sandbox bank's page behind a 3-D Secure order placed through the pages: its path.
async fn bank_page_of(app: &TestApp) -> (String, String) {
    let (number, r) = order_through_pages(app, "4000 0000 0000 0010").await;
    let pay = r.headers()["location"].to_str().unwrap().to_owned();
    let bank = get_page(app, &pay).await.expect(303).headers["location"]
        .to_str()
        .unwrap()
        .to_owned();
    (number, bank)
}

#[tokio::test]
async fn the_bank_page_opens_only_for_the_customer_whose_order_it_pays() {
    let app = demo().await;
    sign_in_through_pages(&app, &new_phone(), "/account").await;
    let (number, bank) = bank_page_of(&app).await;
    // Another customer with the very link: nothing to see, nothing to answer.
    let other = app.second_node().await;
    sign_in_through_pages(&other, &new_phone(), "/account").await;
    get_page(&other, &bank).await.expect(404);
    let csrf = csrf_of(&other.page("/account", None).await);
    post_form(&other, &bank, &[("csrf", &csrf), ("decision", "cancel")])
        .await
        .expect(404);
    // The order still waits for its owner.
    let order = app.page(&format!("/orders/{number}"), None).await;
    assert!(order.contains("Ожидает оплаты"), "{order}");
    assert!(app.page(&bank, None).await.contains("Подтвердить"));
}

#[tokio::test]
async fn the_bank_refuses_a_confirmation_after_the_thirty_minutes() {
    let app = demo().await;
    sign_in_through_pages(&app, &new_phone(), "/account").await;
    let (number, bank) = bank_page_of(&app).await;
    let page = app.page(&bank, None).await;
    let csrf = csrf_of(&page);
    app.advance(31 * 60);
    let r = post_form(&app, &bank, &[("csrf", &csrf), ("decision", "confirm")]).await;
    assert_eq!(r.status, 409, "{}", r.text);
    // The page no longer offers to confirm; the order is not paid.
    get_page(&app, &bank).await.expect(303);
    let order = app.page(&format!("/orders/{number}"), None).await;
    assert!(!order.contains("Оплачено"), "{order}");
}
