//! The account balance («Баланс средств») and gift certificates («Сертификаты и промокоды»),
//! PRODUCT W2, W3, §2 and §5: activation by number in any spacing and case and by code word,
//! typos told apart and not counted, one answer for unknown, used and expired codes (expiry by
//! the injected clock), the failure limit, a hundred simultaneous activations of one code from
//! one customer and from several crediting exactly once, what another customer can see, the
//! pages, the CLI and the demo data — on whichever database the suite runs on.

use crate::support::*;
use kabinet::certificates::{self, Code, Issued};
use kabinet::clock::Clock;
use kabinet::domain::money::Kopecks;
use reqwest::Method;
use serde_json::{Value, json};

const YEAR_SECS: i64 = 365 * 86_400;

/// A signed-in customer: (token, id, phone).
async fn customer(app: &TestApp) -> (String, String, String) {
    let phone = new_phone();
    let (token, body) = app.sign_in(&phone).await;
    let id = body["customer"]["id"].as_str().unwrap().to_owned();
    (token, id, phone)
}

/// Issues `count` certificates of `roubles` each, as the CLI does, at the clock's now.
async fn issue(app: &TestApp, roubles: i64, count: u32) -> Vec<Issued> {
    certificates::issue(
        &app.state.db,
        &app.state.keys.certificates,
        Kopecks::roubles(roubles),
        count,
        app.clock.now_ms(),
    )
    .await
    .expect("issued")
}

async fn activate(app: &TestApp, token: &str, code: &str) -> Resp {
    app.api(
        Method::POST,
        "/gift-certificates/activate",
        Some(token),
        Some(json!({ "code": code })),
    )
    .await
}

async fn balance(app: &TestApp, token: &str) -> i64 {
    app.get("/balance", Some(token)).await.expect(200).json()["balance"]
        .as_i64()
        .unwrap()
}

/// The balance and the sum of the ledger agree; returns the balance.
async fn books(app: &TestApp, c: &str) -> i64 {
    let b = kabinet::balance::books(&app.state.db, c).await.unwrap();
    assert_eq!(b.balance, b.ledger, "the books disagree: {b:?}");
    b.balance
}

async fn history(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/balance/history?limit=100", Some(token))
        .await
        .expect(200)
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// A number as a careless customer types it: lower case, spaces instead of dashes.
fn sloppy(number: &str) -> String {
    format!("  {} ", number.to_lowercase().replace('-', " "))
}

/// A well-formed number (right check character) that was never issued.
fn unknown_number() -> String {
    certificates::Number::random().display()
}

/// The number with its check character replaced by another of the alphabet.
fn with_wrong_check(number: &str) -> String {
    let last = number.chars().last().unwrap();
    let other = if last == 'A' { 'B' } else { 'A' };
    format!("{}{other}", &number[..number.len() - 1])
}

#[tokio::test]
async fn a_certificate_is_activated_by_number_in_any_spacing_and_case_and_by_code_word() {
    let app = spawn_app().await;
    let (token, c, _) = customer(&app).await;
    let issued = issue(&app, 3_000, 3).await;
    assert_eq!(balance(&app, &token).await, 0);

    let r = activate(&app, &token, &sloppy(&issued[0].number.display()))
        .await
        .expect(200)
        .json();
    assert_eq!(
        (r["amount"].as_i64(), r["balance"].as_i64()),
        (Some(300_000), Some(300_000))
    );
    let masked = issued[0].number.masked();
    assert_eq!(r["certificate"], masked.as_str());

    let bare = issued[1].number.display().replace('-', "");
    let r = activate(&app, &token, &bare).await.expect(200).json();
    assert_eq!(r["balance"], 600_000);

    let word = issued[2]
        .code_word
        .as_str()
        .to_uppercase()
        .replace('-', "  ");
    let r = activate(&app, &token, &word).await.expect(200).json();
    assert_eq!(
        (r["amount"].as_i64(), r["balance"].as_i64()),
        (Some(300_000), Some(900_000))
    );

    assert_eq!(balance(&app, &token).await, 900_000);
    assert_eq!(books(&app, &c).await, 900_000);
    let h = history(&app, &token).await;
    assert_eq!(h.len(), 3);
    for item in &h {
        assert_eq!(item["kind"], "certificate");
        assert_eq!(item["amount"], 300_000);
        let reference = item["reference"].as_str().unwrap();
        assert!(reference.contains("-••••-••••-"), "{reference}");
        for i in &issued {
            assert_ne!(reference, i.number.display(), "never the full number");
        }
        assert!(item["at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(h[2]["reference"], masked.as_str(), "oldest last");
}

#[tokio::test]
async fn a_typo_is_told_apart_and_does_not_count_as_a_failure() {
    let app = spawn_app().await;
    let (token, c, _) = customer(&app).await;
    let issued = issue(&app, 1_000, 1).await;
    let number = issued[0].number.display();
    // Fifteen typos: more than the failure limit, none of them counted.
    for typed in [
        with_wrong_check(&number),
        number[..18].to_owned(),
        format!("{number}A"),
        number.replacen(&number[..1], "O", 1),
        "подарок-радуга-чайник-сказочка".to_owned(),
        "подарок радуга чайник".to_owned(),
    ]
    .iter()
    .cycle()
    .take(15)
    {
        let r = activate(&app, &token, typed).await.expect(400);
        assert_eq!(r.code(), "certificate_typo", "{typed}");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("опечатка")
        );
    }
    assert_eq!(
        activate(&app, &token, "   ").await.expect(400).code(),
        "certificate_code_required"
    );
    // Not counted: ten real failures are still allowed, and the typos moved no money.
    for _ in 0..10 {
        assert_eq!(
            activate(&app, &token, &unknown_number())
                .await
                .expect(400)
                .code(),
            "invalid_certificate"
        );
    }
    assert_eq!(
        activate(&app, &token, &number).await.expect(429).code(),
        "too_many_certificate_attempts"
    );
    assert_eq!(books(&app, &c).await, 0);
}

#[tokio::test]
async fn unknown_used_and_expired_certificates_get_one_answer() {
    let app = spawn_app().await;
    let (token, c, phone) = customer(&app).await;
    let (token_b, _, _) = customer(&app).await;
    let issued = issue(&app, 2_000, 3).await;

    let unknown = activate(&app, &token, &unknown_number()).await.expect(400);
    activate(&app, &token, &issued[0].number.display())
        .await
        .expect(200);
    // Used: again by the number, by its code word, and by another customer.
    let used = activate(&app, &token, &issued[0].number.display())
        .await
        .expect(400);
    let used_word = activate(&app, &token, issued[0].code_word.as_str())
        .await
        .expect(400);
    let used_other = activate(&app, &token_b, &issued[0].number.display())
        .await
        .expect(400);
    let unknown_word = activate(&app, &token, "подарок-радуга-чайник-сказка")
        .await
        .expect(400);
    for r in [&unknown, &used, &used_word, &used_other, &unknown_word] {
        assert_eq!(r.code(), "invalid_certificate");
        assert_eq!(r.text, unknown.text, "one answer, word for word");
    }

    // Valid three years (the injected clock): a day before the end it activates, after the
    // end it is refused like an unknown code.
    app.advance(3 * YEAR_SECS - 86_400);
    let (token, _) = app.sign_in(&phone).await;
    activate(&app, &token, issued[1].code_word.as_str())
        .await
        .expect(200);
    app.advance(2 * 86_400);
    let expired = activate(&app, &token, &issued[2].number.display())
        .await
        .expect(400);
    assert_eq!(expired.code(), "invalid_certificate");
    assert_eq!(expired.text, unknown.text);
    assert_eq!(books(&app, &c).await, 400_000);
    let expired_left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM gift_certificates WHERE activated_at IS NULL")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(expired_left, 1, "the expired one stays unused");
}

#[tokio::test]
async fn ten_failures_an_hour_answer_429_until_the_hour_is_over() {
    let app = spawn_app().await;
    let (token, c, phone) = customer(&app).await;
    let (token_b, _, _) = customer(&app).await;
    let issued = issue(&app, 500, 2).await;
    for i in 0..10 {
        let r = activate(&app, &token, &unknown_number()).await;
        assert_eq!(r.status, 400, "failure {i}");
        assert_eq!(r.code(), "invalid_certificate");
    }
    let r = activate(&app, &token, &issued[0].number.display())
        .await
        .expect(429);
    assert_eq!(r.code(), "too_many_certificate_attempts");
    let retry: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Повторите через")
    );
    // Another customer is not held up.
    activate(&app, &token_b, &issued[1].number.display())
        .await
        .expect(200);
    assert_eq!(books(&app, &c).await, 0);
    // After the hour, the certificate activates.
    app.advance(retry);
    let (token, _) = app.sign_in(&phone).await;
    activate(&app, &token, &issued[0].number.display())
        .await
        .expect(200);
    assert_eq!(books(&app, &c).await, 50_000);
}

#[tokio::test]
async fn a_successful_activation_is_not_counted_as_a_failure() {
    let app = spawn_app().await;
    let (token, c, _) = customer(&app).await;
    let issued = issue(&app, 100, 12).await;
    for _ in 0..9 {
        activate(&app, &token, &unknown_number()).await.expect(400);
    }
    // Nine failures: twelve successes in a row are all let through.
    for i in &issued {
        activate(&app, &token, &i.number.display())
            .await
            .expect(200);
    }
    activate(&app, &token, &unknown_number()).await.expect(400);
    activate(&app, &token, &unknown_number()).await.expect(429);
    assert_eq!(books(&app, &c).await, 12 * 10_000);
}

#[tokio::test]
async fn a_hundred_simultaneous_activations_by_one_customer_credit_once() {
    let app = spawn_app().await;
    let (token, c, _) = customer(&app).await;
    let issued = issue(&app, 5_000, 1).await;
    let number = issued[0].number.display();
    let word = issued[0].code_word.as_str().to_owned();
    let answers = all_at_once(
        (0..100)
            .map(|i| {
                let (app, token) = (&app, &token);
                let code = if i % 2 == 0 {
                    number.clone()
                } else {
                    word.clone()
                };
                async move { activate(app, token, &code).await }
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1);
    // The rest were failures (the used certificate) or, past ten failures, refused.
    assert_eq!(
        count(&answers, 400, Some("invalid_certificate"))
            + count(&answers, 429, Some("too_many_certificate_attempts")),
        99
    );
    assert!(count(&answers, 400, Some("invalid_certificate")) <= 10);
    assert_eq!(books(&app, &c).await, 500_000);
    assert_eq!(balance(&app, &token).await, 500_000);
    assert_eq!(history(&app, &token).await.len(), 1);
}

#[tokio::test]
async fn a_hundred_simultaneous_activations_by_several_customers_credit_once() {
    let app = spawn_app().await;
    let mut customers = Vec::new();
    for _ in 0..10 {
        customers.push(customer(&app).await);
    }
    let issued = issue(&app, 3_000, 1).await;
    let number = issued[0].number.display();
    let answers = all_at_once(
        (0..100)
            .map(|i| {
                let (app, token) = (&app, &customers[i % 10].0);
                let code = sloppy(&number);
                async move { activate(app, token, &code).await }
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1);
    // Ten tries each: nobody reached the limit, every other answer is the one refusal.
    assert_eq!(count(&answers, 400, Some("invalid_certificate")), 99);
    let mut total = 0;
    let mut credited = 0;
    for (_, c, _) in &customers {
        let b = books(&app, c).await;
        total += b;
        credited += i64::from(b > 0);
    }
    assert_eq!((total, credited), (300_000, 1));
    let winner = answers.iter().find(|r| r.status == 200).unwrap().json();
    assert_eq!(winner["balance"], 300_000);
}

#[tokio::test]
async fn another_customers_balance_and_history_stay_invisible() {
    let app = spawn_app().await;
    let (token_a, _, _) = customer(&app).await;
    let (token_b, _, _) = customer(&app).await;
    let issued = issue(&app, 1_000, 3).await;
    for i in &issued {
        activate(&app, &token_a, &i.number.display())
            .await
            .expect(200);
    }
    let page = app
        .get("/balance/history?limit=2", Some(&token_a))
        .await
        .expect(200)
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .get(
            &format!("/balance/history?limit=2&cursor={cursor}"),
            Some(&token_a),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());

    assert_eq!(balance(&app, &token_b).await, 0);
    let h = app
        .get("/balance/history", Some(&token_b))
        .await
        .expect(200)
        .json();
    assert_eq!(h, json!({"items": [], "next_cursor": null}));
    let h = app
        .get(&format!("/balance/history?cursor={cursor}"), Some(&token_b))
        .await
        .expect(200)
        .json();
    assert!(
        h["items"].as_array().unwrap().is_empty(),
        "another's cursor shows nothing"
    );
    for path in ["/account/balance", "/account/certificates"] {
        let page = app.page(path, Some(&token_b)).await;
        for i in &issued {
            assert!(!page.contains(&i.number.masked()), "{path}");
        }
        assert!(page.contains("0,00\u{a0}₽"), "{path}");
    }
    assert_eq!(
        app.get("/balance/history?cursor=bogus", Some(&token_a))
            .await
            .expect(400)
            .code(),
        "invalid_cursor"
    );
    assert_eq!(
        app.get("/balance/history?limit=101", Some(&token_a))
            .await
            .expect(400)
            .code(),
        "invalid_limit"
    );
    for path in ["/balance", "/balance/history"] {
        app.get(path, Some("")).await.expect(401);
    }
    activate(&app, "", &unknown_number()).await.expect(401);
}

#[tokio::test]
async fn the_balance_and_certificates_pages_work_without_javascript() {
    let app = spawn_app().await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account", &phone, &phone).await;
    let issued = issue(&app, 3_000, 1).await;
    let number = issued[0].number.display();

    let account = get_page(&app, "/account").await.expect(200).text;
    for needle in [
        "href=\"/account/balance\"",
        "href=\"/account/certificates\"",
        "Баланс средств",
        "Сертификаты и промокоды",
    ] {
        assert!(account.contains(needle), "{needle} in the navigation");
    }
    let page = get_page(&app, "/account/certificates")
        .await
        .expect(200)
        .text;
    for needle in [
        "<h1>Сертификаты и промокоды</h1>",
        "<label for=\"code\">Номер сертификата или кодовое слово</label>",
        ">Активировать</button>",
        "method=\"post\" action=\"/account/certificates\"",
    ] {
        assert!(page.contains(needle), "{needle} on the certificates page");
    }
    let csrf = csrf_of(&page);
    // A typo comes back in words, with what was typed.
    let typo = with_wrong_check(&number);
    let r = post_form(
        &app,
        "/account/certificates",
        &[("csrf", &csrf), ("code", &typo)],
    )
    .await
    .expect(400);
    assert!(r.text.contains("опечатка") && r.text.contains(&format!("value=\"{typo}\"")));
    let r = post_form(
        &app,
        "/account/certificates",
        &[("csrf", &csrf), ("code", &unknown_number())],
    )
    .await
    .expect(400);
    assert!(
        r.text
            .contains("Сертификат не найден, уже активирован или срок его действия истёк")
    );
    // Without the CSRF token nothing happens.
    let r = post_form(
        &app,
        "/account/certificates",
        &[("csrf", "forged"), ("code", &number)],
    )
    .await;
    assert_eq!(r.status, 403);
    let r = post_form(
        &app,
        "/account/certificates",
        &[("csrf", &csrf), ("code", &sloppy(&number))],
    )
    .await
    .expect(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/account/certificates?done=activated")
    );
    let done = get_page(&app, "/account/certificates?done=activated")
        .await
        .expect(200)
        .text;
    let masked = issued[0].number.masked();
    assert!(
        done.contains(&format!(
            "Сертификат {masked} активирован: на баланс зачислено 3\u{a0}000,00\u{a0}₽."
        )),
        "{done}"
    );
    assert!(
        !done.contains(&number),
        "the full number is never shown again"
    );

    let balance_page = get_page(&app, "/account/balance").await.expect(200).text;
    for needle in [
        "<h1>Баланс средств</h1>",
        "3\u{a0}000,00\u{a0}₽",
        "Подарочный сертификат",
        masked.as_str(),
        "+3\u{a0}000,00\u{a0}₽",
        "href=\"/account/certificates\"",
    ] {
        assert!(
            balance_page.contains(needle),
            "{needle} on the balance page"
        );
    }
    assert!(!balance_page.contains(&number));
    let en = app
        .send(
            Method::GET,
            &format!("{}/account/balance", app.base),
            None,
            None,
            &[("accept-language", "en")],
        )
        .await
        .expect(200)
        .text;
    assert!(
        en.contains("Account balance") && en.contains("Gift certificate"),
        "{en}"
    );
    let en = app
        .send(
            Method::GET,
            &format!("{}/account/certificates", app.base),
            None,
            None,
            &[("accept-language", "en")],
        )
        .await
        .expect(200)
        .text;
    assert!(en.contains("Certificate number or code word") && en.contains(">Activate</button>"));

    // Guests are sent to sign in.
    let guest = client();
    for path in ["/account/balance", "/account/certificates"] {
        let r = guest
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{path}");
    }
}

#[tokio::test]
async fn the_cli_prints_certificates_that_activate_and_stores_only_hashes() {
    let (url, _dir) = fresh_database().await;
    let secret = "test-secret-test-secret-test-secret!";
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .args(["certificates", "issue", "--value", "1500", "--count", "3"])
        .env("KABINET_DATABASE_URL", &url)
        .env("KABINET_SECRET", secret)
        .env("KABINET_ADDR", "127.0.0.1:0")
        .env("KABINET_DEMO", "0")
        .output()
        .await
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<(&str, &str)> = stdout
        .lines()
        .map(|l| l.split_once('\t').expect("number<TAB>code word"))
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for (number, word) in &lines {
        assert_eq!(number.len(), 19);
        assert!(
            matches!(certificates::parse(number), Ok(Code::Number(n)) if n.display() == *number)
        );
        assert!(
            matches!(certificates::parse(word), Ok(Code::Word(_))),
            "{word}"
        );
        assert_eq!(word.split('-').count(), 4);
    }

    let app = spawn_app_with(|c| {
        c.database_url = url.clone();
        c.secret = Some(secret.into());
    })
    .await;
    // Nothing at rest gives a code back.
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT number_hash, word_hash, masked FROM gift_certificates")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(rows.len(), 3);
    for (number, word) in &lines {
        for (a, b, masked) in &rows {
            for col in [a, b, masked] {
                assert!(!col.contains(&number[5..14]) && !col.contains(word));
            }
        }
    }
    let (token, c, _) = customer(&app).await;
    let r = activate(&app, &token, lines[0].0).await.expect(200).json();
    assert_eq!(r["amount"], 150_000);
    let r = activate(&app, &token, lines[1].1).await.expect(200).json();
    assert_eq!(r["balance"], 300_000);
    assert_eq!(books(&app, &c).await, 300_000);

    // Refused input says why, exit code 1 (clap's range check).
    let bad = tokio::process::Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .args(["certificates", "issue", "--value", "0", "--count", "1"])
        .env("KABINET_DATABASE_URL", &url)
        .env("KABINET_SECRET", secret)
        .env("KABINET_ADDR", "127.0.0.1:0")
        .output()
        .await
        .unwrap();
    assert!(!bad.status.success() && bad.stdout.is_empty());
}

#[tokio::test]
async fn the_demo_customer_has_a_balance_and_the_readme_certificate_waits_unused() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (token, body) = app.sign_in(kabinet::seed::demo::DEMO_PHONE).await;
    let c = body["customer"]["id"].as_str().unwrap().to_owned();
    assert_eq!(balance(&app, &token).await, 500_000);
    let h = history(&app, &token).await;
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["kind"], "certificate");
    assert!(h[0]["reference"].as_str().unwrap().contains("••••"));

    // Seeding again (another start) writes nothing more.
    kabinet::seed::demo::run(
        &app.state.db,
        &app.state.config,
        &app.state.keys,
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    assert_eq!(books(&app, &c).await, 500_000);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM gift_certificates")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 2);

    let r = activate(&app, &token, "kabn etde m234 567x")
        .await
        .expect(200)
        .json();
    assert_eq!(
        (r["amount"].as_i64(), r["balance"].as_i64()),
        (Some(300_000), Some(800_000))
    );
    assert_eq!(r["certificate"], "KABN-••••-••••-567X");
    assert_eq!(
        activate(&app, &token, certificates::DEMO_CODE_WORD)
            .await
            .expect(400)
            .code(),
        "invalid_certificate",
        "the number and the code word are one certificate"
    );
    kabinet::seed::demo::run(
        &app.state.db,
        &app.state.config,
        &app.state.keys,
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    assert_eq!(
        books(&app, &c).await,
        800_000,
        "a used demo certificate stays used"
    );
}
