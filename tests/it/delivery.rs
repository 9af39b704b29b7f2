//! Pickup points and parcel lockers (PRODUCT S4): nearest first, by address, fits my parcels.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn demo() -> TestApp {
    spawn_app_with(|c| c.demo = Some(true)).await
}

#[tokio::test]
async fn nearest_points_come_first_and_match_a_brute_force_search() {
    let app = demo().await;
    let (lat, lon) = (55.7558, 37.6173);
    let body = app
        .get(&format!("/pickup-points?lat={lat}&lon={lon}&limit=5"), None)
        .await
        .expect(200)
        .json();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for key in ["id", "kind", "address", "lat", "lon", "distance_m"] {
        assert!(items[0].get(key).is_some(), "{key}");
    }
    let d: Vec<i64> = items
        .iter()
        .map(|p| p["distance_m"].as_i64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    // The same five as a scan of every point.
    let all: Vec<(String, f64, f64)> = sqlx::query_as("SELECT id, lat, lon FROM pickup_points")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(all.len(), 3_000);
    let mut scan: Vec<(i64, String)> = all
        .iter()
        .map(|(id, a, o)| {
            (
                kabinet::delivery::distance_m(lat, lon, *a, *o).round() as i64,
                id.clone(),
            )
        })
        .collect();
    scan.sort();
    let ids: Vec<&str> = items.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = scan.iter().take(5).map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids, expected);
    // Kind filter; and a place far from any city still finds the nearest few.
    let lockers = app
        .get(
            &format!("/pickup-points?lat={lat}&lon={lon}&limit=4&kind=parcel_locker"),
            None,
        )
        .await
        .json();
    assert!(
        lockers["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["kind"] == "parcel_locker")
    );
    let taiga = app
        .get("/pickup-points?lat=62.0&lon=100.0&limit=2", None)
        .await
        .expect(200)
        .json();
    assert_eq!(taiga["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn points_are_found_by_address_words() {
    let app = demo().await;
    let r = app
        .get(
            "/pickup-points?q=%D0%BA%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C&limit=10",
            None,
        )
        .await
        .expect(200)
        .json(); // «казань»
    let items = r["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|p| p["address"].as_str().unwrap().contains("Казань"))
    );
    assert!(items.iter().all(|p| p["distance_m"].is_null()));
}

#[tokio::test]
async fn bad_searches_get_clear_errors() {
    let app = demo().await;
    for (q, code) in [
        ("lat=100&lon=37", "invalid_coordinates"),
        ("lat=55&lon=37&kind=drone", "invalid_kind"),
        ("lat=55&lon=37&limit=0", "invalid_limit"),
        ("lat=abc&lon=37", "invalid_query"),
        ("", "query_required"),
        ("lat=55", "query_required"),
    ] {
        let r = app.get(&format!("/pickup-points?{q}"), None).await;
        assert_eq!((r.status.as_u16(), r.code()), (400, code.to_owned()), "{q}");
    }
}

#[tokio::test]
async fn lockers_refuse_a_cart_too_heavy_for_their_cells() {
    let app = demo().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    // Heavier than a locker takes (15 kg), light enough for a pickup point (30 kg).
    let products = app
        .get("/products?limit=100&category=sport", None)
        .await
        .json();
    let heavy = products["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| (15_001..30_000).contains(&p["weight_g"].as_i64().unwrap()))
        .expect("a heavy sports product")
        .clone();
    app.api(
        Method::PUT,
        &format!("/cart/items/{}", heavy["id"].as_str().unwrap()),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let q = "/pickup-points?lat=55.7558&lon=37.6173&limit=5&fits=cart";
    let any = app.get(q, Some(&token)).await.expect(200).json();
    let kinds: Vec<&Value> = any["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["kind"])
        .collect();
    assert_eq!(kinds.len(), 5);
    assert!(
        kinds.iter().all(|k| *k == "pickup_point"),
        "no locker takes a {} g parcel",
        heavy["weight_g"]
    );
    // Without the filter, lockers are among the nearest.
    let lockers = app
        .get(
            "/pickup-points?lat=55.7558&lon=37.6173&limit=3&kind=parcel_locker",
            Some(&token),
        )
        .await
        .json();
    assert_eq!(lockers["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_chosen_point_is_remembered() {
    let app = demo().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    assert_eq!(app.get("/me/pickup-point", Some(&token)).await.status, 404);
    let p = app
        .get("/pickup-points?lat=59.93&lon=30.33&limit=1", None)
        .await
        .json()["items"][0]
        .clone();
    let id = p["id"].as_str().unwrap();
    app.api(
        Method::PUT,
        "/me/pickup-point",
        Some(&token),
        Some(json!({"pickup_point_id": id})),
    )
    .await
    .expect(204);
    assert_eq!(
        app.get("/me/pickup-point", Some(&token))
            .await
            .expect(200)
            .json()["id"],
        id
    );
    let r = app
        .api(
            Method::PUT,
            "/me/pickup-point",
            Some(&token),
            Some(json!({"pickup_point_id": "nope"})),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (404, "pickup_point_not_found".into())
    );
    let page = app
        .send(
            Method::GET,
            &format!(
                "{}/pickup-points?q=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0",
                app.base
            ),
            None,
            None,
            &[],
        )
        .await;
    assert!(page.expect(200).text.contains("data-point="));
}

#[tokio::test]
async fn imported_points_are_found_nearest_and_a_second_import_updates_them() {
    let app = demo().await;
    // Petropavlovsk-Kamchatsky: far from every demo city.
    let csv = "code;kind;city;address;lat;lon;hours;max_side_mm\n\
               KAM-1;ПВЗ;Петропавловск-Камчатский;ул. Ленинская, д. 10;53.0167;158.6500;10:00–20:00;\n\
               KAM-2;постамат;Петропавловск-Камчатский;пр-т Карла Маркса, д. 21;53.0600;158.6200;;400\n";
    let file = temp_file("points.csv", csv);
    let n = kabinet::delivery::import::run(&app.state.db, &file)
        .await
        .unwrap();
    assert_eq!(n, 2);
    // Loaded now, by this call or (PostgreSQL) already by the import's notice: a reload in
    // flight finishes before this one looks.
    app.state.points.refresh(&app.state.db).await.unwrap();
    let near = "/pickup-points?lat=53.02&lon=158.65&limit=2";
    let items = app.get(near, None).await.expect(200).json()["items"].clone();
    assert_eq!(items[0]["address"], "ул. Ленинская, д. 10");
    assert_eq!(items[0]["kind"], "pickup_point");
    assert_eq!(items[1]["kind"], "parcel_locker");
    assert_eq!(items[1]["max_side_mm"], 400);
    assert_eq!(items[1]["max_weight_g"], 15_000, "locker default");
    assert!(items[0]["distance_m"].as_i64().unwrap() < 1_000);
    // By text too (Russian-aware).
    let found = app
        .get(
            &format!("/pickup-points?q={}", urlencode("петропавловск ленинская")),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);

    // The same codes again: updated, not doubled.
    let json = r#"[{"code": "KAM-1", "kind": "pickup_point", "city": "Петропавловск-Камчатский",
                    "address": "ул. Ленинская, д. 12", "lat": 53.0167, "lon": 158.65, "hours": "круглосуточно"}]"#;
    let file = temp_file("points.json", json);
    kabinet::delivery::import::run(&app.state.db, &file)
        .await
        .unwrap();
    let count = app
        .scalar_i64(
            "SELECT COUNT(*) FROM pickup_points WHERE city = $1",
            "Петропавловск-Камчатский",
        )
        .await;
    assert_eq!(count, 2);
    app.state.points.refresh(&app.state.db).await.unwrap();
    let items = app.get(near, None).await.json()["items"].clone();
    assert_eq!(items[0]["address"], "ул. Ленинская, д. 12");
}

#[tokio::test]
async fn a_bad_points_file_is_refused_whole_with_the_rows_named() {
    let app = demo().await;
    let before = app
        .scalar_i64("SELECT COUNT(*) FROM pickup_points WHERE kind <> $1", "")
        .await;
    let csv = "code,kind,city,address,lat,lon\n\
               A-1,pickup_point,Тверь,ул. Советская д. 1,56.86,35.9\n\
               A-2,склад,Тверь,ул. Советская д. 2,56.86,35.9\n\
               A-3,pickup_point,Тверь,ул. Советская д. 3,96.1,35.9\n\
               A-1,pickup_point,Тверь,ул. Советская д. 4,56.86,35.9\n";
    let err = kabinet::delivery::import::run(&app.state.db, &temp_file("bad.csv", csv))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("3 row(s) refused"), "{err}");
    for row in ["row 2: kind", "row 3: coordinates", "row 4: code"] {
        assert!(err.contains(row), "{row} in {err}");
    }
    let after = app
        .scalar_i64("SELECT COUNT(*) FROM pickup_points WHERE kind <> $1", "")
        .await;
    assert_eq!(before, after, "nothing imported");
    let err =
        kabinet::delivery::import::run(&app.state.db, &temp_file("x.json", "[{\"code\": 1}]"))
            .await
            .unwrap_err()
            .to_string();
    assert!(err.starts_with("row 1"), "{err}");
}

#[tokio::test]
async fn the_address_book_keeps_courier_addresses_with_one_default() {
    let app = demo().await;
    let (alice, _) = app.sign_in(&new_phone()).await;
    let (bob, _) = app.sign_in(&new_phone()).await;
    let add = |token: &str, address: &str, default: bool| {
        let (token, body) = (
            token.to_owned(),
            json!({"address": address, "default": default}),
        );
        let app = &app;
        async move {
            app.api(Method::POST, "/me/addresses", Some(&token), Some(body))
                .await
        }
    };
    let home = add(&alice, "г. Тверь, ул. Советская, д. 5, кв. 12", false)
        .await
        .expect(201)
        .json();
    assert_eq!(home["is_default"], true, "the first address is the default");
    let work = add(&alice, "г. Тверь,  пр-т Чайковского, д. 1", true)
        .await
        .expect(201)
        .json();
    assert_eq!(work["address"], "г. Тверь, пр-т Чайковского, д. 1");
    // The same text again is the same address.
    let again = add(&alice, "г. Тверь, пр-т Чайковского, д. 1", false)
        .await
        .expect(201)
        .json();
    assert_eq!(again["id"], work["id"]);
    let list = app
        .get("/me/addresses", Some(&alice))
        .await
        .expect(200)
        .json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], work["id"], "the default comes first");
    assert_eq!(items[1]["is_default"], false);
    // Bad input; another customer can neither see nor touch them.
    assert_eq!(add(&alice, "кв", false).await.code(), "invalid_address");
    assert!(
        app.get("/me/addresses", Some(&bob)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let id = home["id"].as_str().unwrap();
    for (method, path) in [
        (Method::DELETE, format!("/me/addresses/{id}")),
        (Method::PUT, format!("/me/addresses/{id}/default")),
    ] {
        let r = app.api(method, &path, Some(&bob), None).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (404, "address_not_found".to_owned())
        );
    }
    // Checkout by courier to a kept address; another's address id is not found.
    let product = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 3)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let card = json!({"method": "card", "card": {"number": "2200 0000 0000 0004", "exp_month": 12, "exp_year": 2030, "cvc": "123"}});
    for token in [&alice, &bob] {
        app.api(
            Method::PUT,
            &format!("/cart/items/{product}"),
            Some(token),
            Some(json!({"quantity": 1})),
        )
        .await
        .expect(200);
    }
    let body = json!({"delivery": {"method": "courier", "address_id": id}, "payment": card});
    let stolen = app
        .send(
            Method::POST,
            "/orders",
            Some(&bob),
            Some(body.clone()),
            &[("idempotency-key", "a-1")],
        )
        .await;
    assert_eq!(stolen.code(), "address_not_found");
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(&alice),
            Some(body),
            &[("idempotency-key", "a-2")],
        )
        .await
        .expect(201)
        .json();
    assert_eq!(
        o["delivery"]["address"],
        "г. Тверь, ул. Советская, д. 5, кв. 12"
    );
    // A new address typed at checkout is kept for next time (not made the default).
    let typed = json!({"delivery": {"method": "courier", "address": "г. Тверь, ул. Новая, д. 3"}, "payment": card});
    app.send(
        Method::POST,
        "/orders",
        Some(&bob),
        Some(typed),
        &[("idempotency-key", "b-1")],
    )
    .await
    .expect(201);
    let bobs = app.get("/me/addresses", Some(&bob)).await.json();
    assert_eq!(bobs["items"][0]["address"], "г. Тверь, ул. Новая, д. 3");
    assert_eq!(bobs["items"][0]["is_default"], true);
    // Removing the default hands it to the newest left.
    app.api(
        Method::DELETE,
        &format!("/me/addresses/{}", work["id"].as_str().unwrap()),
        Some(&alice),
        None,
    )
    .await
    .expect(204);
    let left = app.get("/me/addresses", Some(&alice)).await.json();
    assert_eq!(left["items"].as_array().unwrap().len(), 1);
    assert_eq!(left["items"][0]["is_default"], true);
}

/// Several nodes on PostgreSQL (issue 15): a change of the network, made by whoever (here the
/// import run against the database, as `kabinet pickup-points import` does), reaches every
/// node's index at once by a notice — not at the next period of the job, which is an hour here.
/// SQLite serves from one process, which has no other node to tell.
#[tokio::test]
async fn on_postgresql_an_import_reaches_every_node_by_notice_not_by_the_next_period() {
    let a = spawn_app_with(|c| {
        c.demo = Some(true);
        c.housekeeping_secs = 3_600;
    })
    .await;
    if kabinet::db::is_sqlite_pool(&a.state.db) {
        return;
    }
    let b = a.second_node().await;
    for node in [&a, &b] {
        // The listener is connected before the change (polled: it connects in the background).
        for _ in 0..500 {
            if node.state.notifier.hears_peers() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(node.state.notifier.hears_peers(), "the node listens");
    }
    let csv = "code;kind;city;address;lat;lon;hours;max_side_mm\n\
               KAM-9;ПВЗ;Петропавловск-Камчатский;ул. Ленинская, д. 12;53.0167;158.6500;10:00–20:00;\n";
    let file = temp_file("notice.csv", csv);
    let n = kabinet::delivery::import::run(&a.state.db, &file)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let near = "/pickup-points?lat=53.02&lon=158.65&limit=1";
    for node in [&a, &b] {
        let mut found = Value::Null;
        for _ in 0..500 {
            found = node.get(near, None).await.expect(200).json()["items"][0]["address"].clone();
            if found == "ул. Ленинская, д. 12" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(found, "ул. Ленинская, д. 12", "{}", node.base);
    }
}
