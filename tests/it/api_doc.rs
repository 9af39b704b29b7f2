//! The OpenAPI document and the `/api/docs` reference built from it (issue 9): rules of the
//! OpenAPI format that utoipa does not enforce, the declared security checked against what the
//! server really asks for, and the page.

use crate::support::*;
use reqwest::Method;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// (path, method, operation) for every operation of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((path.clone(), m.to_owned(), op.clone()));
            }
        }
    }
    out
}

/// `{name}` segments of a path template.
fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()))
        .collect()
}

/// The security an operation declares: None (public), Some(true) (sign-in optional),
/// Some(false) (sign-in required).
fn security(op: &Value) -> Option<bool> {
    let reqs = op["security"].as_array().filter(|r| !r.is_empty())?;
    Some(
        reqs.iter()
            .any(|r| r.as_object().is_some_and(|o| o.is_empty())),
    )
}

#[tokio::test]
async fn every_operation_is_described_by_the_openapi_rules() {
    let app = spawn_app().await;
    let doc = app.get("/openapi.json", None).await.expect(200).json();
    let ops = operations(&doc);
    assert!(ops.len() >= 40, "{} operations", ops.len());

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session_cookie"]["type"], "apiKey");
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["session_cookie"]["name"], "kabinet_session");
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");

    let mut ids: HashMap<String, String> = HashMap::new();
    let mut problems = Vec::new();
    for (path, method, op) in &ops {
        let at = format!("{} {path}", method.to_uppercase());
        match op["operationId"].as_str() {
            None | Some("") => problems.push(format!("{at}: no operationId")),
            Some(id) => {
                if let Some(other) = ids.insert(id.to_owned(), at.clone()) {
                    problems.push(format!("{at}: operationId `{id}` also names {other}"));
                }
            }
        }
        let responses = op["responses"].as_object().expect("responses");
        assert!(!responses.is_empty(), "{at}: no responses");
        for (status, r) in responses {
            if r["description"]
                .as_str()
                .is_none_or(|d| d.trim().is_empty())
            {
                problems.push(format!("{at}: response {status} has no description"));
            }
        }
        let mut in_path = BTreeSet::new();
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap_or("");
            match p["in"].as_str() {
                Some("path") => {
                    if !path.contains(&format!("{{{name}}}")) {
                        problems.push(format!("{at}: `{name}` is in: path, but not in the path"));
                    }
                    if p["required"] != true {
                        problems.push(format!("{at}: path parameter `{name}` not required"));
                    }
                    in_path.insert(name.to_owned());
                }
                Some("query" | "header" | "cookie") => {}
                other => problems.push(format!("{at}: `{name}` is in: {other:?}")),
            }
        }
        if in_path != template_names(path) {
            problems.push(format!("{at}: path parameters {in_path:?}"));
        }
        for req in op["security"].as_array().into_iter().flatten() {
            for scheme in req.as_object().expect("security requirement").keys() {
                if schemes.get(scheme).is_none() {
                    problems.push(format!("{at}: unknown security scheme `{scheme}`"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every operation called without a session, with `x` for each path parameter and `{}` as
/// the body: 401 exactly where the document says sign-in is required.
#[tokio::test]
async fn declared_security_is_what_the_server_asks_for() {
    let app = spawn_app().await;
    let doc = app.get("/openapi.json", None).await.expect(200).json();
    let mut wrong = Vec::new();
    for (path, method, op) in operations(&doc) {
        let url = template_names(&path)
            .iter()
            .fold(path.clone(), |u, n| u.replace(&format!("{{{n}}}"), "x"));
        let body = op.get("requestBody").map(|_| serde_json::json!({}));
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let res = app.api(m, &url, None, body).await;
        let asks = res.status == 401;
        let declared = security(&op) == Some(false);
        if asks != declared {
            wrong.push(format!(
                "{} {path}: answered {} but security is {:?}",
                method.to_uppercase(),
                res.status,
                op.get("security")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn the_reference_page_shows_every_operation_without_javascript() {
    let app = spawn_app().await;
    let doc = app.get("/openapi.json", None).await.expect(200).json();
    let html = app.page("/api/docs", None).await;
    for (path, _, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap();
        assert!(
            html.contains(&format!("<details class=\"op\" id=\"op-{id}\">")),
            "{id} is a <details>"
        );
        assert!(html.contains(&format!("/api/v1{path}")), "{path} shown");
    }
    // Markdown code spans become <code>, never raw backticks.
    assert!(!html.contains('`'), "raw backticks on the page");
    assert!(html.contains("<code>invalid_captcha</code>"));
    // Parameters, request bodies and answers are on the page itself.
    assert!(html.contains(r#"data-path="/api/v1/orders/{number}""#));
    assert!(html.contains(">Idempotency-Key</code>"));
    assert!(html.contains(">CheckoutBody</code>"));
    assert!(html.contains(">payment_url</code>"));
    // Russian first; the form is sent by the page's own script, no CDN.
    assert!(html.contains("Попробовать"), "Russian labels");
    assert!(html.contains(r#"<script src="/static/docs.js" defer></script>"#));
    assert!(!html.contains("https://"), "nothing loaded from elsewhere");

    let en = app
        .send(
            Method::GET,
            "/api/docs",
            None,
            None,
            &[("accept-language", "en")],
        )
        .await
        .expect(200);
    assert!(en.text.contains("Try it") && en.text.contains("Request body"));

    for (file, kind, needle) in [
        ("docs.js", "text/javascript", "fetch("),
        ("docs.css", "text/css", "details.op"),
    ] {
        let res = get_page(&app, &format!("/static/{file}")).await.expect(200);
        assert!(
            res.header("content-type").unwrap().starts_with(kind),
            "{file}"
        );
        assert!(res.text.contains(needle), "{file}");
    }
}

/// The whole document as a reviewed snapshot (`tests/it/snapshots/`): every change of the API —
/// a field, a code, a parameter — shows in the diff of a change. Accept a deliberate one with
/// `INSTA_UPDATE=always cargo test api_doc` (or `cargo insta review`).
#[tokio::test]
async fn the_api_document_changes_only_where_a_change_says_so() {
    let app = spawn_app().await;
    let doc: Value = app.get("/openapi.json", None).await.expect(200).json();
    insta::assert_json_snapshot!("openapi", doc);
}
