pub mod server;
pub mod sms;
pub mod smtp;
pub mod staff;

use kabinet::app::{AppState, Application};
use kabinet::clock::ManualClock;
use kabinet::config::Config;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// 2026-01-05 09:00 UTC: tests move time by hand from here.
pub const START_MS: i64 = 1_767_603_600_000;

pub struct TestApp {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    /// How this node finds sessions (its cache, on PostgreSQL).
    pub sessions: Arc<kabinet::auth::lookup::SessionLookup>,
    /// Keeps cookies, follows no redirects: a browser whose every step we can see.
    pub client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    /// The `error.code` of an error answer.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {}",
            self.text
        );
        self
    }
}

/// The hidden CSRF field of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let i = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF field")
        + 19;
    html[i..i + html[i..].find('"').expect("closing quote")].to_owned()
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh mobile number per call: tests never share contacts.
pub fn new_phone() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst) + u64::from(std::process::id() % 1000) * 10_000;
    format!("+7916{:07}", n % 10_000_000)
}

pub fn new_email() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("user{n}.{}@example.ru", std::process::id())
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = Config {
        addr: "127.0.0.1:0".into(),
        base_url: Some("http://kabinet.test".into()),
        dev_outbox: Some(true),
        demo: Some(false),
        demo_pickup_points: 3_000,
        secret: Some("test-secret-test-secret-test-secret!".into()),
        db_max_connections: 4,
        ..Config::default()
    };
    let (url, dir) = fresh_database().await;
    config.database_url = url;
    configure(&mut config);
    start(config, Arc::new(ManualClock::new(START_MS)), dir).await
}

/// Builds the application and serves it in the background until the `TestApp` is dropped.
async fn start(config: Config, clock: Arc<ManualClock>, dir: Option<tempfile::TempDir>) -> TestApp {
    let app = Application::build_with_clock(config, clock.clone())
        .await
        .expect("app builds");
    let addr = app.local_addr();
    let state = app.state.clone();
    let sessions = app.sessions();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp {
        base: format!("http://{addr}"),
        clock,
        state,
        sessions,
        client: client(),
        _dir: dir,
        _stop: stop,
    }
}

/// A fresh, empty database for one test: a SQLite file in a temp dir (kept alive by the
/// returned guard), or a PostgreSQL database when KABINET_TEST_POSTGRES_URL is set.
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    if let Ok(pg) = std::env::var("KABINET_TEST_POSTGRES_URL") {
        (postgres_database(&pg).await, None)
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/kabinet.db", dir.path().display());
        (url, Some(dir))
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A database per test, copied from a template migrated once per test process.
async fn postgres_database(admin_url: &str) -> String {
    use sqlx::{Connection, Executor};
    static TEMPLATE: tokio::sync::Mutex<Option<String>> = tokio::sync::Mutex::const_new(None);
    static N: AtomicU64 = AtomicU64::new(0);
    sqlx::any::install_default_drivers();
    let pid = std::process::id();
    let mut guard = TEMPLATE.lock().await;
    let mut admin = sqlx::AnyConnection::connect(admin_url).await.unwrap_or_else(|e| {
        panic!("KABINET_TEST_POSTGRES_URL is set but PostgreSQL is not reachable at {admin_url}: {e}")
    });
    if guard.is_none() {
        // Databases of earlier runs of this suite (not of a run still going: several suites
        // may share one server, and each names its databases by its process id).
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT CAST(datname AS TEXT) FROM pg_database WHERE datname LIKE 'kt\\_%' AND datname NOT LIKE $1",
        )
        .bind(format!("kt\\_{pid}\\_%"))
        .fetch_all(&mut admin)
        .await
        .expect("list databases");
        let alive = |db: &str| {
            db.split('_')
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists())
        };
        for db in stale.into_iter().filter(|db| !alive(db)) {
            let _ = admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{db}\""
                )))
                .await;
        }
        let tpl = format!("kt_{pid}_template");
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{tpl}\""
            )))
            .await
            .expect("drop template");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{tpl}\"")))
            .await
            .expect("create template");
        let pool = kabinet::db::connect(&with_database(admin_url, &tpl), 1)
            .await
            .expect("connect template");
        kabinet::db::migrate(&pool).await.expect("migrate template");
        pool.close().await;
        *guard = Some(tpl);
    }
    let tpl = guard.as_ref().expect("template").clone();
    let name = format!("kt_{pid}_{}", N.fetch_add(1, Ordering::SeqCst));
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{tpl}\""
        )))
        .await
        .expect("create test database");
    let _ = admin.close().await;
    with_database(admin_url, &name)
}

fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("postgres url");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// Runs all `requests` at once (on the caller's runtime, every one in flight together) and
/// returns their answers in order.
pub async fn all_at_once<F: std::future::Future<Output = Resp>>(requests: Vec<F>) -> Vec<Resp> {
    futures::future::join_all(requests).await
}

/// How many answers have this status (and, if given, this error code).
pub fn count(answers: &[Resp], status: u16, code: Option<&str>) -> usize {
    answers
        .iter()
        .filter(|r| r.status.as_u16() == status && code.is_none_or(|c| r.code() == c))
        .count()
}

/// No answer is a server error.
#[track_caller]
pub fn no_server_errors(answers: &[Resp]) {
    for r in answers {
        assert!(
            r.status.as_u16() < 500,
            "server error: {} {}",
            r.status,
            r.text
        );
    }
}

/// A distinct client address for the n-th request (behind a trusted proxy).
pub fn client_ip(n: usize) -> String {
    format!("198.51.{}.{}", n / 250, n % 250 + 1)
}

impl TestApp {
    /// A second node: another application on the same database and clock (as several
    /// stateless nodes behind a load balancer are).
    pub async fn second_node(&self) -> TestApp {
        let mut config = self.state.config.clone();
        config.addr = "127.0.0.1:0".into();
        config.demo = Some(false);
        start(config, self.clock.clone(), None).await
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance_secs(secs);
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else if path.starts_with("/api/") || !path.starts_with('/') {
            format!("{}{}", self.base, path)
        } else {
            format!("{}/api/v1{}", self.base, path)
        };
        let mut req = self.client.request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        Resp {
            status: res.status(),
            headers: res.headers().clone(),
            text: res.text().await.expect("body"),
        }
    }

    /// An API call under /api/v1.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        self.send(method, path, token, body, &[]).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.api(Method::GET, path, token, None).await
    }

    /// The HTML of a page (not under /api), signed in with a bearer session; expects 200.
    pub async fn page(&self, path: &str, token: Option<&str>) -> String {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "GET {path}");
        res.text().await.unwrap()
    }

    pub async fn request_code(&self, channel: &str, to: &str) -> Resp {
        self.api(
            Method::POST,
            "/auth/codes",
            None,
            Some(json!({"channel": channel, "to": to, "purpose": "login"})),
        )
        .await
    }

    pub async fn verify(&self, flow_id: &str, code: &str) -> Resp {
        self.api(
            Method::POST,
            "/auth/codes/verify",
            None,
            Some(json!({"flow_id": flow_id, "code": code})),
        )
        .await
    }

    /// The dev outbox for a recipient, read over HTTP as an outside client would.
    pub async fn outbox(&self, to: &str) -> Vec<Value> {
        let q: String = url::form_urlencoded::byte_serialize(to.as_bytes()).collect();
        let r = self
            .get(&format!("/dev/outbox?to={q}"), None)
            .await
            .expect(200);
        r.json()["items"].as_array().cloned().unwrap_or_default()
    }

    pub async fn last_code(&self, to: &str) -> String {
        let items = self.outbox(to).await;
        let last = items.last().unwrap_or_else(|| panic!("no message to {to}"));
        last["code"]
            .as_str()
            .expect("message has a code")
            .to_owned()
    }

    /// Asks for a code and returns (flow_id, code).
    pub async fn code_for(&self, channel: &str, to: &str) -> (String, String) {
        let r = self.request_code(channel, to).await.expect(202);
        let flow = r.json()["flow_id"].as_str().expect("flow_id").to_owned();
        (flow, self.last_code(to).await)
    }

    /// Signs in by SMS code; returns (token, the verify answer).
    pub async fn sign_in(&self, phone: &str) -> (String, Value) {
        let (flow, code) = self.code_for("sms", phone).await;
        let body = self.verify(&flow, &code).await.expect(200).json();
        (body["token"].as_str().expect("token").to_owned(), body)
    }

    /// Registers with a password and confirms the email code; returns (token, customer id).
    pub async fn register(&self, email: &str, password: &str) -> (String, String) {
        let r = self
            .api(
                Method::POST,
                "/auth/register",
                None,
                Some(json!({"first_name":"Анна","last_name":"Смирнова","email":email,"password":password})),
            )
            .await
            .expect(202);
        let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
        let code = self.last_code(email).await;
        let body = self.verify(&flow, &code).await.expect(200).json();
        assert_eq!(body["created"], true);
        (
            body["token"].as_str().unwrap().to_owned(),
            body["customer"]["id"].as_str().unwrap().to_owned(),
        )
    }

    /// A new captcha and its answer (from the dev outbox).
    pub async fn captcha(&self) -> (String, String) {
        let c = self.get("/captcha", None).await.expect(200).json();
        let id = c["captcha_id"].as_str().unwrap().to_owned();
        assert!(
            c["image"]
                .as_str()
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        let answer = self.last_code(&id).await;
        (id, answer)
    }

    /// The last link sent to a recipient.
    pub async fn last_link(&self, to: &str) -> String {
        let items = self.outbox(to).await;
        items
            .iter()
            .rev()
            .find_map(|m| m["link"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no link sent to {to}: {items:?}"))
    }

    /// Runs SQL against the app's own database (for checks of what is at rest).
    pub async fn scalar_i64(&self, sql: &'static str, arg: &str) -> i64 {
        sqlx::query_scalar(sql)
            .bind(arg)
            .fetch_one(&self.state.db)
            .await
            .expect("query")
    }
}

/// Posts a page form (urlencoded) with the app's cookie-keeping client.
pub async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Resp {
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .form(form)
        .send()
        .await
        .unwrap();
    Resp {
        status: res.status(),
        headers: res.headers().clone(),
        text: res.text().await.unwrap(),
    }
}

/// The pickup point nearest to the centre of Moscow (demo network).
pub async fn moscow_point(app: &TestApp) -> String {
    app.get(
        "/pickup-points?lat=55.7558&lon=37.6173&limit=1&kind=pickup_point",
        None,
    )
    .await
    .json()["items"][0]["id"]
        .as_str()
        .expect("a pickup point")
        .to_owned()
}

/// Percent-encodes a query value (Cyrillic search words).
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A file with `text` in a fresh temp dir (left for the OS to clean).
pub fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kabinet-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A page (not under /api) as the browser of `app` sees it, whatever its status.
pub async fn get_page(app: &TestApp, path: &str) -> Resp {
    app.send(Method::GET, &format!("{}{path}", app.base), None, None, &[])
        .await
}

/// Signs in through the pages by phone (typed as people type it), going on to `next`.
pub async fn sign_in_by_pages(app: &TestApp, next: &str, phone_as_typed: &str, e164: &str) {
    let login = get_page(app, "/login").await.expect(200);
    assert!(login.text.contains("Телефон") && login.text.contains("Получить код"));
    let csrf = csrf_of(&login.text);
    let r = post_form(
        app,
        "/login",
        &[
            ("csrf", &csrf),
            ("by", "phone"),
            ("phone", phone_as_typed),
            ("next", next),
        ],
    )
    .await
    .expect(303);
    let location = r.header("location").unwrap();
    assert!(location.starts_with("/login/code?flow="), "{location}");
    let code_page = get_page(app, &location).await.expect(200);
    assert!(code_page.text.contains("Код") && code_page.text.contains("Войти"));
    assert!(
        code_page
            .text
            .contains(&format!("+7\u{a0}{}\u{a0}***", &e164[2..5])),
        "masked number shown"
    );
    let flow = location
        .split("flow=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let code = app.last_code(e164).await;
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let r = post_form(
        app,
        "/login/code",
        &[
            ("csrf", &csrf),
            ("flow", &flow),
            ("code", &spaced),
            ("next", next),
        ],
    )
    .await
    .expect(303);
    assert_eq!(r.header("location").as_deref(), Some(next));
}
