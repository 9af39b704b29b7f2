//! The console's shop-side tools (issue 12): certificate batches (admin; the CSV is the only
//! copy), co-branded card applications (support decides) and uploads of the catalogue and the
//! pickup network (admin; the CLI's checker, errors by row).

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn audit_actions(app: &TestApp, admin: &str) -> Vec<Value> {
    app.get("/staff/audit?limit=100", Some(admin))
        .await
        .expect(200)
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn admins_issue_certificate_batches_that_customers_can_activate() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    let support = app.staff("support").await;
    let body = json!({"value": 150_000, "count": 3});
    let refused = app
        .api(
            Method::POST,
            "/staff/certificates",
            Some(&support.token),
            Some(body.clone()),
        )
        .await
        .expect(403);
    assert_eq!(refused.code(), "forbidden_role");
    let batch = app
        .api(
            Method::POST,
            "/staff/certificates",
            Some(&admin.token),
            Some(body),
        )
        .await
        .expect(200)
        .json();
    let items = batch["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    // Kopecks that are not whole roubles, and too many, are refused.
    for (bad, code) in [
        (
            json!({"value": 150_050, "count": 1}),
            "invalid_certificate_value",
        ),
        (
            json!({"value": 100_000, "count": 10_001}),
            "invalid_certificate_count",
        ),
    ] {
        let r = app
            .api(
                Method::POST,
                "/staff/certificates",
                Some(&admin.token),
                Some(bad),
            )
            .await
            .expect(400);
        assert_eq!(r.code(), code);
    }
    let (customer, _) = app.sign_in(&new_phone()).await;
    let activated = app
        .api(
            Method::POST,
            "/gift-certificates/activate",
            Some(&customer),
            Some(json!({"code": items[1]["number"]})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(activated["amount"], 150_000);
    let audit = audit_actions(&app, &admin.token).await;
    assert!(
        audit
            .iter()
            .any(|r| r["action"] == "certificates_issued" && r["staff"] == admin.email.as_str()),
        "{audit:?}"
    );
}

#[tokio::test]
async fn the_certificates_page_downloads_the_batch_as_csv() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    // The console's cookie: the page is CSRF-protected by the staff session.
    let cookie = format!("kabinet_staff={}", admin.token);
    let page = app
        .client
        .get(format!("{}/staff/certificates", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let csrf = csrf_of(&html);
    let res = app
        .client
        .post(format!("{}/staff/certificates", app.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("value", "500"), ("count", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"kabinet-certificates-")
    );
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "number;code_word;value_rub;expires");
    assert_eq!(lines.len(), 3);
    let fields: Vec<&str> = lines[1].split(';').collect();
    assert_eq!(fields[2], "500");
    let (customer, _) = app.sign_in(&new_phone()).await;
    // The code word works as well as the number.
    let activated = app
        .api(
            Method::POST,
            "/gift-certificates/activate",
            Some(&customer),
            Some(json!({"code": fields[1]})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(activated["amount"], 50_000);
    // A wrong value comes back as the form with the error, nothing issued.
    let bad = app
        .client
        .post(format!("{}/staff/certificates", app.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("value", "сто"), ("count", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("certificates-error"));
}

fn application() -> Value {
    json!({"full_name": "Иванова Мария Сергеевна", "birth_date": "1990-05-17",
           "city": "Москва", "phone": "8 (916) 555-12-34"})
}

#[tokio::test]
async fn support_decides_card_applications_once_and_the_customer_becomes_platinum() {
    let app = spawn_app().await;
    let support = app.staff("support").await;
    let moderator = app.staff("moderator").await;
    let (customer, _) = app.sign_in(&new_phone()).await;
    app.api(
        Method::POST,
        "/cobrand-card/applications",
        Some(&customer),
        Some(application()),
    )
    .await
    .expect(201);
    app.get("/staff/card-applications", Some(&moderator.token))
        .await
        .expect(403);
    let queue = app
        .get("/staff/card-applications", Some(&support.token))
        .await
        .expect(200)
        .json();
    let item = queue["items"][0].clone();
    assert_eq!(item["full_name"], "Иванова Мария Сергеевна");
    assert_eq!(item["phone"], "+7916 ***-**-34", "the phone is masked");
    let id = item["id"].as_str().unwrap().to_owned();
    let path = format!("/staff/card-applications/{id}/approve");
    // A hundred clicks at once decide it once.
    let answers = all_at_once(
        (0..100)
            .map(|_| app.api(Method::POST, &path, Some(&support.token), None))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1);
    assert_eq!(
        count(&answers, 409, Some("cobrand_application_decided")),
        99
    );
    let loyalty = app
        .get("/loyalty", Some(&customer))
        .await
        .expect(200)
        .json();
    assert_eq!(loyalty["tier_reason"], "cobrand_card");
    let rejected = app
        .api(
            Method::POST,
            &format!("/staff/card-applications/{id}/reject"),
            Some(&support.token),
            None,
        )
        .await
        .expect(409);
    assert_eq!(rejected.code(), "cobrand_application_decided");
    let admin = app.staff("admin").await;
    let audit = audit_actions(&app, &admin.token).await;
    assert_eq!(
        audit
            .iter()
            .filter(|r| r["action"] == "card_application_approved" && r["target"] == id.as_str())
            .count(),
        1,
        "one audit row for the one decision"
    );
}

const GOODS: &str = "sku;title;seller;category;price;old_price;weight_g;length_mm;width_mm;height_mm;stock;warehouse_city;attributes\n\
    STF-1;Чайник заварочный;Посуда Плюс;Посуда;1290;;600;150;150;150;10;Москва;\n\
    STF-2;Кружка эмалированная;Посуда Плюс;Посуда;390;;300;100;100;100;25;Москва;\n";

#[tokio::test]
async fn admins_upload_a_catalogue_and_every_wrong_row_is_named() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let admin = app.staff("admin").await;
    let support = app.staff("support").await;
    let upload = |token: String, body: &'static str| {
        let app = &app;
        async move {
            let res = app
                .client
                .post(format!("{}/api/v1/staff/imports/catalog", app.base))
                .bearer_auth(token)
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, _) = upload(support.token.clone(), GOODS).await;
    assert_eq!(status, 403);
    let (status, body) = upload(admin.token.clone(), GOODS).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"], 2);
    let found = app
        .get(
            &format!("/products?q={}", urlencode("чайник заварочный")),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(found["items"][0]["title"], "Чайник заварочный");
    let bad = "sku;title;seller;category;price;old_price;weight_g;length_mm;width_mm;height_mm;stock;warehouse_city;attributes\n\
               STF-3;Блюдце;Посуда Плюс;Посуда;дорого;;100;100;100;10;5;Москва;\n\
               STF-4;Ложка;Посуда Плюс;Посуда;90;;-5;100;100;10;5;Москва;\n";
    let (status, body) = upload(admin.token.clone(), bad).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "import_refused");
    let rows: Vec<i64> = body["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, vec![1, 2], "{body}");
    let none = app
        .get(&format!("/products?q={}", urlencode("блюдце")), None)
        .await
        .json();
    assert_eq!(
        none["items"].as_array().unwrap().len(),
        0,
        "nothing imported"
    );
    let audit = audit_actions(&app, &admin.token).await;
    assert_eq!(
        audit
            .iter()
            .filter(|r| r["action"] == "catalog_imported")
            .count(),
        2
    );
}

#[tokio::test]
async fn the_imports_page_takes_a_pickup_point_file_and_the_points_are_found_at_once() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    let cookie = format!("kabinet_staff={}", admin.token);
    let html = app
        .client
        .get(format!("{}/staff/imports", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let csv = "code;kind;city;address;lat;lon;hours;max_side_mm\n\
               KAM-1;ПВЗ;Петропавловск-Камчатский;ул. Ленинская, д. 10;53.0167;158.6500;10:00–20:00;\n";
    let send = |csrf: String, text: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("kind", "pickup_points")
            .part(
                "file",
                reqwest::multipart::Part::text(text).file_name("points.csv"),
            );
        app.client
            .post(format!("{}/staff/imports", app.base))
            .header("cookie", &cookie)
            .multipart(form)
            .send()
    };
    let forged = send("forged".into(), csv).await.unwrap();
    assert_eq!(forged.status(), 403);
    let ok = send(csrf.clone(), csv).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.text().await.unwrap().contains("import-done"));
    let near = app
        .get("/pickup-points?lat=53.02&lon=158.65&limit=1", None)
        .await
        .expect(200)
        .json();
    assert_eq!(near["items"][0]["address"], "ул. Ленинская, д. 10");
    let bad = send(
        csrf,
        "code;kind;city;address;lat;lon\nX-1;ПВЗ;Москва;ул. Тверская, 1;91;37\n",
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let text = bad.text().await.unwrap();
    assert!(
        text.contains("import-rows") && text.contains("<td data-label=\"Строка\">1</td>"),
        "{text}"
    );
}
