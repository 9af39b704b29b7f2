//! Catalogue, cart with its parcel plan, favourites (PRODUCT S1–S3, SECURITY 30).

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;

async fn all_products(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/products?limit=100&cursor={c}"),
            None => "/products?limit=100".to_owned(),
        };
        let page = app.get(&path, None).await.expect(200).json();
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

async fn demo() -> TestApp {
    spawn_app_with(|c| c.demo = Some(true)).await
}

#[tokio::test]
async fn the_demo_catalogue_pages_through_every_product() {
    let app = demo().await;
    let first = app.get("/products", None).await.expect(200).json();
    assert_eq!(first["items"].as_array().unwrap().len(), 24);
    assert!(first["next_cursor"].is_string());
    for key in [
        "id",
        "title",
        "price",
        "category",
        "seller_id",
        "seller_name",
        "origin_id",
        "weight_g",
        "stock",
    ] {
        assert!(first["items"][0].get(key).is_some(), "{key}");
    }
    let all = all_products(&app).await;
    assert!(all.len() >= 200, "{}", all.len());
    let ids: HashSet<&str> = all.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len(), "no product twice across pages");
    let sellers: HashSet<&str> = all
        .iter()
        .map(|p| p["seller_id"].as_str().unwrap())
        .collect();
    let origins: HashSet<&str> = all
        .iter()
        .map(|p| p["origin_id"].as_str().unwrap())
        .collect();
    assert!(sellers.len() >= 3 && origins.len() > sellers.len());
    assert_eq!(
        app.get("/products?cursor=garbage", None).await.code(),
        "invalid_cursor"
    );
    assert_eq!(
        app.get("/products?limit=0", None).await.code(),
        "invalid_limit"
    );
    let one = &all[0];
    let got = app
        .get(&format!("/products/{}", one["id"].as_str().unwrap()), None)
        .await
        .expect(200)
        .json();
    assert_eq!(got["title"], one["title"]);
    assert_eq!(
        app.get("/products/nope", None).await.code(),
        "product_not_found"
    );
}

#[tokio::test]
async fn search_ignores_case_and_yo() {
    let app = demo().await;
    let titles = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let a = titles(
        app.get(
            "/products?q=%D1%91%D0%BB%D0%BE%D1%87%D0%BD%D1%8B%D0%B5",
            None,
        )
        .await
        .expect(200)
        .json(),
    ); // «ёлочные»
    let b = titles(
        app.get(
            "/products?q=%D0%95%D0%9B%D0%9E%D0%A7%D0%9D%D0%AB%D0%95",
            None,
        )
        .await
        .expect(200)
        .json(),
    ); // «ЕЛОЧНЫЕ»
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert!(a.iter().all(|t| t.starts_with("Ёлочные")));
    let phones = titles(
        app.get(
            "/products?q=%D1%81%D0%BC%D0%B0%D1%80%D1%82%D1%84%D0%BE%D0%BD+samsung",
            None,
        )
        .await
        .json(),
    ); // «смартфон samsung»
    assert!(
        !phones.is_empty()
            && phones
                .iter()
                .all(|t| t.contains("Смартфон") && t.contains("Samsung"))
    );
    let books = app
        .get("/products?category=books&limit=100", None)
        .await
        .json();
    assert!(
        books["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["category"] == "Книги")
    );
    assert!(
        app.get("/products?q=%25", None).await.expect(200).json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// Products of the demo catalogue picked by a predicate.
fn pick(all: &[Value], f: impl Fn(&Value) -> bool) -> &Value {
    all.iter()
        .find(|p| f(p) && p["stock"].as_i64().unwrap() >= 3)
        .expect("a matching demo product")
}

#[tokio::test]
async fn the_cart_shows_its_parcel_plan() {
    let app = demo().await;
    let all = all_products(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let put = |id: &str, q: i64| {
        let id = id.to_owned();
        let token = token.clone();
        let app = &app;
        async move {
            app.api(
                Method::PUT,
                &format!("/cart/items/{id}"),
                Some(&token),
                Some(json!({"quantity": q})),
            )
            .await
        }
    };
    let light = pick(&all, |p| p["weight_g"].as_i64().unwrap() < 2_000);
    let same_origin = pick(&all, |p| {
        p["origin_id"] == light["origin_id"]
            && p["id"] != light["id"]
            && p["weight_g"].as_i64().unwrap() < 2_000
    });
    let cart = put(light["id"].as_str().unwrap(), 2)
        .await
        .expect(200)
        .json();
    assert_eq!(cart["lines"][0]["quantity"], 2);
    assert_eq!(
        cart["lines"][0]["line_total"],
        light["price"].as_i64().unwrap() * 2
    );
    let cart = put(same_origin["id"].as_str().unwrap(), 1)
        .await
        .expect(200)
        .json();
    assert_eq!(
        cart["single_parcel"], true,
        "one warehouse, one parcel: {cart}"
    );
    assert_eq!(
        cart["total"],
        light["price"].as_i64().unwrap() * 2 + same_origin["price"].as_i64().unwrap()
    );
    // Another seller: a second parcel, and why.
    let other = pick(&all, |p| {
        p["seller_id"] != light["seller_id"] && p["weight_g"].as_i64().unwrap() < 2_000
    });
    let cart = put(other["id"].as_str().unwrap(), 1)
        .await
        .expect(200)
        .json();
    assert_eq!(cart["single_parcel"], false);
    let parcels = cart["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 2);
    assert_eq!(parcels[0]["reason"], Value::Null);
    assert_eq!(parcels[1]["reason"], "other_seller");
    assert_eq!(parcels[1]["reason_text"], "другой продавец");
    assert!(parcels[1]["estimated_delivery"].as_str().unwrap().len() == 10);
    // Heavy goods split by weight.
    app.api(
        Method::DELETE,
        &format!("/cart/items/{}", other["id"].as_str().unwrap()),
        Some(&token),
        None,
    )
    .await
    .expect(200);
    let heavy = pick(&all, |p| {
        p["weight_g"].as_i64().unwrap() > 10_000 && p["weight_g"].as_i64().unwrap() < 25_000
    });
    let token2 = app.sign_in(&new_phone()).await.0;
    let cart = app
        .api(
            Method::PUT,
            &format!("/cart/items/{}", heavy["id"].as_str().unwrap()),
            Some(&token2),
            Some(json!({"quantity": 3})),
        )
        .await
        .expect(200)
        .json();
    let reasons: Vec<&Value> = cart["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["reason"])
        .collect();
    assert!(
        reasons.len() >= 2 && reasons[1..].iter().all(|r| *r == "overweight"),
        "{cart}"
    );
    assert!(
        cart["parcels"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["weight_g"].as_i64().unwrap() <= 25_000)
    );
}

#[tokio::test]
async fn bad_cart_input_gets_clear_errors_and_changes_nothing() {
    let app = demo().await;
    let all = all_products(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let p = pick(&all, |_| true);
    let id = p["id"].as_str().unwrap();
    let path = format!("/cart/items/{id}");
    let put = |body: Value| app.api(Method::PUT, &path, Some(&token), Some(body));
    assert_eq!(
        put(json!({"quantity": -1})).await.code(),
        "invalid_quantity"
    );
    assert_eq!(put(json!({"quantity": "two"})).await.code(), "invalid_body");
    let r = put(json!({"quantity": p["stock"].as_i64().unwrap() + 1})).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "not_enough_stock".into())
    );
    let r = app
        .api(
            Method::PUT,
            "/cart/items/not-a-product",
            Some(&token),
            Some(json!({"quantity": 1})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (404, "product_not_found".into())
    );
    let cart = app.get("/cart", Some(&token)).await.expect(200).json();
    assert!(cart["lines"].as_array().unwrap().is_empty());
    assert_eq!(cart["total"], 0);
    // Zero removes a line.
    put(json!({"quantity": 2})).await.expect(200);
    let cart = put(json!({"quantity": 0})).await.expect(200).json();
    assert!(cart["lines"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_guest_cart_joins_the_customers_cart_at_sign_in() {
    let app = demo().await;
    let all = all_products(&app).await;
    let p = pick(&all, |_| true);
    let id = p["id"].as_str().unwrap();
    // The test client keeps cookies like a browser.
    let r = app
        .api(
            Method::PUT,
            &format!("/cart/items/{id}"),
            None,
            Some(json!({"quantity": 2})),
        )
        .await
        .expect(200);
    assert!(r.header("set-cookie").unwrap().starts_with("kabinet_cart="));
    assert_eq!(
        app.get("/cart", None).await.json()["lines"][0]["quantity"],
        2
    );
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    app.verify(&flow, &code).await.expect(200);
    let cart = app.get("/cart", None).await.expect(200).json();
    assert_eq!(cart["lines"][0]["product_id"], id);
    assert_eq!(cart["lines"][0]["quantity"], 2);
    // A bearer client (the app) sees the same customer cart.
    let (token, _) = {
        app.advance(61);
        app.sign_in(&phone).await
    };
    let bare = reqwest::Client::new();
    let cart: Value = bare
        .get(format!("{}/api/v1/cart", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cart["lines"][0]["quantity"], 2);
}

#[tokio::test]
async fn another_customers_cart_and_favourites_are_out_of_reach() {
    let app = demo().await;
    let all = all_products(&app).await;
    let (alice, _) = app.sign_in(&new_phone()).await;
    let (bob, _) = app.sign_in(&new_phone()).await;
    let p = pick(&all, |_| true);
    let id = p["id"].as_str().unwrap();
    app.api(
        Method::PUT,
        &format!("/cart/items/{id}"),
        Some(&alice),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    app.api(Method::PUT, &format!("/favorites/{id}"), Some(&alice), None)
        .await
        .expect(204);
    assert!(
        app.get("/cart", Some(&bob)).await.json()["lines"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        app.get("/favorites", Some(&bob)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Bob's removals touch only Bob's data.
    app.api(
        Method::DELETE,
        &format!("/cart/items/{id}"),
        Some(&bob),
        None,
    )
    .await
    .expect(200);
    app.api(
        Method::DELETE,
        &format!("/favorites/{id}"),
        Some(&bob),
        None,
    )
    .await
    .expect(204);
    assert_eq!(
        app.get("/cart", Some(&alice)).await.json()["lines"][0]["product_id"],
        id
    );
    let favs = app.get("/favorites", Some(&alice)).await.json();
    assert_eq!(favs["items"][0]["id"], id);
    assert_eq!(
        app.api(Method::PUT, "/favorites/nope", Some(&alice), None)
            .await
            .code(),
        "product_not_found"
    );
    let bare = reqwest::Client::new();
    let r = bare
        .get(format!("{}/api/v1/favorites", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn catalogue_and_cart_pages_work_without_javascript() {
    let app = demo().await;
    let list = get_page(&app, "/catalog").await.expect(200);
    assert!(list.text.contains("В корзину") && list.text.contains("data-product="));
    let csrf = {
        let i = list.text.find("name=\"csrf\" value=\"").unwrap() + 19;
        list.text[i..i + list.text[i..].find('"').unwrap()].to_owned()
    };
    let id = {
        let i = list.text.find("data-product=\"").unwrap() + 14;
        list.text[i..i + 36].to_owned()
    };
    let product = get_page(&app, &format!("/catalog/{id}")).await.expect(200);
    assert!(product.text.contains("В избранное"));
    let img = get_page(&app, &format!("/catalog/img/{id}.svg"))
        .await
        .expect(200);
    assert!(img.text.starts_with("<svg"));
    let r = app
        .client
        .post(format!("{}/cart/add", app.base))
        .form(&[("csrf", csrf.as_str()), ("product_id", &id)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cart = get_page(&app, "/cart").await.expect(200);
    assert!(cart.text.contains(&format!("data-line=\"{id}\"")));
    assert!(cart.text.contains("одной посылкой"));
}

#[tokio::test]
async fn imported_products_are_sold_like_the_demo_ones_and_reimport_updates() {
    let app = demo().await;
    let csv = "sku;title;seller;category;price;old_price;weight_g;length_mm;width_mm;height_mm;stock;warehouse_city;attributes\n\
               MED-1;Мёд гречишный, 500 г;Пасека Ивановых;Продукты;549,90;;700;90;90;120;15;Барнаул;\"{\"\"Сорт\"\": \"\"гречишный\"\"}\"\n\
               MED-2;Самовар электрический;Пасека Ивановых;Бытовая техника;7990;9990;3200;300;300;450;3;;\n";
    let n = kabinet::catalog::import::run(&app.state.db, &temp_file("goods.csv", csv), 0)
        .await
        .unwrap();
    assert_eq!(n, 2);
    // Found by Russian-aware search (ё/е, case), in a new category and an existing one.
    let found = app
        .get(&format!("/products?q={}", urlencode("МЕД гречишный")), None)
        .await
        .expect(200)
        .json();
    let honey = &found["items"][0];
    assert_eq!(honey["title"], "Мёд гречишный, 500 г");
    assert_eq!(honey["price"], 54_990);
    let page = app
        .get(
            &format!("/products/{}", honey["id"].as_str().unwrap()),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(page["attributes"]["Сорт"], "гречишный", "{page}");
    let samovar = app
        .get(
            &format!("/products?q={}&category=appliances", urlencode("самовар")),
            None,
        )
        .await
        .json();
    assert_eq!(samovar["items"][0]["old_price"], 999_000);
    // It goes in a cart and ships from its own warehouse (another seller → its own parcel).
    let (token, _) = app.sign_in(&new_phone()).await;
    let id = honey["id"].as_str().unwrap();
    let cart = app
        .api(
            Method::PUT,
            &format!("/cart/items/{id}"),
            Some(&token),
            Some(json!({"quantity": 2})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(cart["total"], 2 * 54_990);
    // Importing the same sku again updates price and stock, never doubles.
    let json = r#"[{"sku": "MED-1", "title": "Мёд гречишный, 500 г", "seller": "Пасека Ивановых",
                   "category": "Продукты", "price": 499, "weight_g": 700, "length_mm": 90,
                   "width_mm": 90, "height_mm": 120, "stock": 40}]"#;
    kabinet::catalog::import::run(&app.state.db, &temp_file("goods.json", json), 0)
        .await
        .unwrap();
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM products WHERE sku = $1", "MED-1")
            .await,
        1
    );
    let again = app
        .get(&format!("/products/{id}"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(again["price"], 49_900);
    assert_eq!(again["stock"], 40);
}

#[tokio::test]
async fn a_bad_catalogue_file_is_refused_whole_with_the_rows_named() {
    let app = demo().await;
    let before = app
        .scalar_i64("SELECT COUNT(*) FROM products WHERE id <> $1", "")
        .await;
    let csv = "sku,title,seller,category,price,weight_g,length_mm,width_mm,height_mm,stock\n\
               OK-1,Кружка,Посуда,Дом и сад,299,300,100,100,100,5\n\
               BAD-1,Кружка,Посуда,Дом и сад,-5,300,100,100,100,5\n\
               BAD-2,Кружка,Посуда,Дом и сад,299,300,100,100,100,-1\n\
               ,Кружка,Посуда,Дом и сад,299,300,100,100,100,5\n";
    let err = kabinet::catalog::import::run(&app.state.db, &temp_file("bad.csv", csv), 0)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("3 row(s) refused"), "{err}");
    for row in ["row 2: price", "row 3: stock", "row 4: sku"] {
        assert!(err.contains(row), "{row} in {err}");
    }
    let after = app
        .scalar_i64("SELECT COUNT(*) FROM products WHERE id <> $1", "")
        .await;
    assert_eq!(before, after, "nothing imported");
}
