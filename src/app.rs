//! Router assembly, start-up and shutdown (the state itself is `crate::state`).

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::AppError;
use crate::notify::{Notifier, dev::DevOutbox, transports::Transports};
use crate::web::{self, LANG_COOKIE};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Instrument;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use crate::state::{AppState, Inner};

#[derive(OpenApi)]
#[openapi(
    info(title = "Kabinet API", description = "Customer account of an online marketplace. \
        Money is integer kopecks, times are RFC 3339 UTC, lists are {items, next_cursor}. \
        Errors are {\"error\":{\"code\",\"message\"}}. Authenticate with the session cookie or \
        Authorization: Bearer <token>."),
    servers((url = "/api/v1")),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Sign-in by code or password, registration, captcha, sign-out"),
        (name = "sessions", description = "The customer's devices and sessions"),
        (name = "account", description = "Profile, contacts, password and the security log"),
        (name = "recovery", description = "Forgotten password, lost phone, support-assisted recovery"),
        (name = "catalog", description = "Products and categories"),
        (name = "cart", description = "The cart and its parcel plan (guests too)"),
        (name = "favorites", description = "«Избранное»"),
        (name = "delivery", description = "Pickup points, parcel lockers and courier addresses"),
        (name = "orders", description = "Checkout, orders, purchased items and saved cards"),
        (name = "loyalty", description = "«Баллы и бонусы»: tier and points; «Карта Kabinet»: the co-branded card"),
        (name = "balance", description = "«Баланс средств»: money on the account and its history; «Сертификаты и промокоды»: gift certificates"),
        (name = "returns", description = "«Возвраты»: returning goods of a received order, refunded to the card or the balance"),
        (name = "reviews", description = "«Мои отзывы»: reviews of received products, their moderation status, a product's published reviews"),
        (name = "support", description = "«Обращения в поддержку»: requests to the shop and their threads"),
        (name = "staff", description = "The staff console: staff sign-in (password + TOTP), support-assisted recovery (four eyes), customers, orders, certificates, card applications, imports, the audit trail"),
        (name = "dev", description = "Development only: messages that would have been sent")
    )
)]
struct ApiDoc;

/// How calls authenticate (PRODUCT §3): the session cookie (web) or a bearer token (apps).
/// Operations that need a customer list both; the cart and pickup points accept either or none.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "kabinet_session",
                "The session cookie set by every sign-in (`__Host-kabinet_session` on https sites).",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`Authorization: Bearer <token>` with the `token` of a sign-in answer.",
                    ))
                    .build(),
            ),
        );
    }
}

/// A built, bound, not yet serving application.
pub struct Application {
    pub state: AppState,
    listener: tokio::net::TcpListener,
    router: Router,
    transports: Transports,
    /// How requests find their session (followed by a change listener on PostgreSQL).
    sessions: Arc<crate::auth::lookup::SessionLookup>,
    /// `GET /metrics` on its own listener, when `KABINET_METRICS_ADDR` is set.
    metrics: Option<(tokio::net::TcpListener, PrometheusHandle)>,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        config.validate()?;
        config.check_mode()?;
        let db = db::connect(&config.database_url, config.db_max_connections).await?;
        db::migrate(&db).await?;
        let readers =
            crate::db::readers::SqliteReaders::for_url(&config.database_url).map(Arc::new);
        let sessions = Arc::new(crate::auth::lookup::SessionLookup::new(
            &config.database_url,
            readers.clone(),
        ));
        if sessions.needs_notices() {
            crate::auth::store::install_change_triggers(&db).await?;
        }
        if !db::is_sqlite(&config.database_url) {
            crate::points::store::install_change_trigger(&db).await?;
        }
        let secret = load_secret(&db, &config).await?;
        let keys = crate::keys::Keys::from_secret(&secret);
        if config.demo_on() {
            crate::seed::demo::run(&db, &config, &keys, clock.now_ms()).await?;
        }
        // Products whose search text predates the current stemming (or was just written by the
        // demo fill) are indexed before the first search.
        crate::catalog::reindex(&db).await?;
        crate::orders::reindex_purchases(&db)
            .await
            .map_err(|e| anyhow::anyhow!("re-indexing purchases failed: {}", e.code))?;
        let dev = config
            .dev_outbox_on()
            .then(|| Arc::new(DevOutbox::default()));
        let notifier = Notifier::new(db.clone(), keys.outbox, clock.clone(), dev);
        let transports = Transports::from_config(&config.smtp, &config.sms)?;
        let base = url::Url::parse(&config.base_url())?;
        let host = match (base.host_str(), base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => "localhost".to_owned(),
        };
        let cookie_name = if config.https() {
            "__Host-kabinet_session"
        } else {
            "kabinet_session"
        };
        let staff_cookie_name = if config.https() {
            "__Host-kabinet_staff"
        } else {
            "kabinet_staff"
        };
        let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
            .merge(crate::auth::api::router())
            .merge(crate::account::api::router())
            .merge(crate::mydata::api::router())
            .merge(crate::web::dev_outbox::router())
            .merge(crate::recovery::api::router())
            .merge(crate::catalog::api::router())
            .merge(crate::cart::api::router())
            .merge(crate::delivery::api::router())
            .merge(crate::orders::api::router())
            .merge(crate::rewards::api::router())
            .merge(crate::certificates::api::router())
            .merge(crate::returns::api::router())
            .merge(crate::reviews::api::router())
            .merge(crate::support::api::router())
            .merge(crate::staff::api::router())
            .split_for_parts();
        let openapi_json = openapi.to_pretty_json()?;
        let listener = tokio::net::TcpListener::bind(&config.addr).await?;
        let metrics = match &config.metrics_addr {
            Some(addr) => Some((
                tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| anyhow::anyhow!("metrics_addr {addr}: {e}"))?,
                crate::telemetry::install()?,
            )),
            None => None,
        };
        let node = format!("{}:{}", hostname(), listener.local_addr()?.port());
        let base_url = config.base_url();
        let p = &config.password;
        let hasher = crate::auth::password::Hasher::new(
            argon2::Params::new(p.memory_kib, p.iterations, p.parallelism, None)
                .map_err(|e| anyhow::anyhow!("password parameters: {e}"))?,
        );
        let zone = config.zone()?;
        let points = crate::delivery::PointIndex::default();
        points.refresh(&db).await?;
        let payments = Arc::new(crate::payments::sandbox::Sandbox::new(
            db.clone(),
            &base_url,
        ));
        let fiscal = Arc::new(crate::fiscal::sandbox::Sandbox::new(
            db.clone(),
            clock.clone(),
        ));
        let state = AppState(Arc::new(Inner {
            db,
            config,
            clock,
            keys,
            notifier,
            hasher,
            host,
            base_url,
            cookie_name,
            staff_cookie_name,
            openapi_json,
            zone,
            payments,
            fiscal,
            points,
            readers,
            draining: std::sync::atomic::AtomicBool::new(false),
            node,
        }));
        state.hasher.warm_up().await;
        // Payments a crash left half-way are finished before anything else is served.
        let settled = crate::orders::reconcile(&state)
            .await
            .map_err(|e| anyhow::anyhow!("payment reconciliation failed: {}", e.code))?;
        if settled > 0 {
            tracing::info!(settled, "payment attempts reconciled at start");
        }
        // Card refunds of returns a crash left waiting for the acquirer.
        let refunded = crate::returns::finish_card_refunds(&state)
            .await
            .map_err(|e| anyhow::anyhow!("return refunds failed: {}", e.code))?;
        if refunded > 0 {
            tracing::info!(refunded, "return refunds finished at start");
        }
        let router = router(state.clone(), api, sessions.clone());
        Ok(Self {
            state,
            listener,
            router,
            transports,
            sessions,
            metrics,
        })
    }

    /// Delivers what is queued now (a one-off command's email; servers have their worker).
    pub async fn deliver_outbox(&self) -> anyhow::Result<usize> {
        Ok(self.state.notifier.deliver_due(&self.transports).await?)
    }

    /// How this node finds sessions (tests look at its cache).
    pub fn sessions(&self) -> Arc<crate::auth::lookup::SessionLookup> {
        self.sessions.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener")
    }

    /// Serves until `shutdown` resolves; then answers `/readyz` with 503 while it keeps serving
    /// for [`Config::drain`] (the load balancer notices and sends nothing new), stops
    /// listening, finishes the requests in flight and stops the background work.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let state = self.state.clone();
        let shutdown = async move {
            shutdown.await;
            let drain = state.config.drain();
            state
                .draining
                .store(true, std::sync::atomic::Ordering::SeqCst);
            crate::telemetry::draining(true);
            tracing::info!(
                drain_secs = drain.as_secs(),
                "stopping: /readyz answers 503; serving until the balancer has noticed"
            );
            tokio::time::sleep(drain).await;
        };
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        // What the background work logs says which node it ran on (requests' spans say it too).
        let node = tracing::info_span!("node", node = %self.state.node);
        let worker = tokio::spawn(
            self.state
                .notifier
                .clone()
                .run_worker(self.transports, stop_rx.clone())
                .instrument(node.clone()),
        );
        let followers = self
            .sessions
            .follow(&self.state.config.database_url, &self.state.db);
        let sweeper = tokio::spawn(
            crate::housekeeping::run(self.state.clone(), stop_rx.clone()).instrument(node.clone()),
        );
        let peers = follow_peers(&self.state, &node);
        let metrics = self.metrics.map(|(listener, handle)| {
            tokio::spawn(
                serve_metrics(self.state.clone(), listener, handle, stop_rx).instrument(node),
            )
        });
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        let _ = stop_tx.send(true);
        let _ = worker.await;
        let _ = sweeper.await;
        if let Some(m) = metrics {
            let _ = m.await;
        }
        for task in followers.into_iter().flatten().chain(peers) {
            task.abort();
        }
        self.state.db.close().await;
        Ok(())
    }
}

/// `/readyz` for load balancers: 200 while this node should get requests — it is not stopping
/// and its database answers within a second — else 503 with the reason. (`/healthz` says only
/// that the process is up.) Migrations are current by construction: a node starts only after
/// migrating, and refuses a database a newer version has migrated.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining");
    }
    match tokio::time::timeout(Duration::from_secs(1), db::ping(&state.db)).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// PostgreSQL: what the other nodes say. Messages they queued wake this node's outbox worker
/// too (it may be idle while theirs is busy), and what this node queues is announced to them;
/// a change of the pickup network (announced by a trigger, whoever made it) reloads the index
/// at once. Notices lost while the listener is down are made up for by polling: the worker
/// every second instead of every five, the index at every housekeeping period.
fn follow_peers(state: &AppState, node: &tracing::Span) -> Vec<tokio::task::JoinHandle<()>> {
    use crate::db::changes::Notice;
    use crate::notify::PEERS_CHANNEL;
    use crate::points::store::CHANGED_CHANNEL as POINTS_CHANNEL;
    if db::is_sqlite(&state.config.database_url) {
        return Vec::new();
    }
    let me = state.process();
    let reload = Arc::new(tokio::sync::Notify::new());
    let (notifier, wake) = (state.notifier.clone(), reload.clone());
    let listen_me = me.clone();
    let listener = crate::db::changes::listen(
        state.config.database_url.clone(),
        vec![PEERS_CHANNEL.to_owned(), POINTS_CHANNEL.to_owned()],
        move |notice| match notice {
            Notice::Changed { channel, .. } if channel == POINTS_CHANNEL => wake.notify_one(),
            Notice::Changed { .. } | Notice::Lost => notifier.heard_from_peers(notice, &listen_me),
            Notice::Listening => {
                notifier.heard_from_peers(notice, &listen_me);
                // Whatever changed while nobody listened.
                wake.notify_one();
            }
        },
    );
    let st = state.clone();
    let reloader = async move {
        loop {
            reload.notified().await;
            st.points.keep_current(&st.db).await;
        }
    };
    vec![
        tokio::spawn(listener.instrument(node.clone())),
        tokio::spawn(reloader.instrument(node.clone())),
        tokio::spawn(
            state
                .notifier
                .clone()
                .announce_to_peers(me)
                .instrument(node.clone()),
        ),
    ]
}

/// `GET /metrics` for Prometheus on the metrics listener until `stop` (nothing else is served
/// there). The gauges of shared state are read at each scrape: the outbox backlog (one
/// aggregate over a table kept short) and this node's pool.
async fn serve_metrics(
    state: AppState,
    listener: tokio::net::TcpListener,
    handle: PrometheusHandle,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let kept = handle.clone();
    let scrape = move || {
        let (state, handle) = (state.clone(), kept.clone());
        async move {
            let now = state.clock.now_ms();
            match crate::notify::store::backlog(&state.db).await {
                Ok((depth, oldest)) => crate::telemetry::outbox(
                    depth,
                    oldest.map_or(0.0, |at| (now - at).max(0) as f64 / 1000.0),
                ),
                Err(e) => tracing::warn!(error = %e, "outbox backlog not read for metrics"),
            }
            let (size, idle) = (state.db.size() as usize, state.db.num_idle());
            crate::telemetry::pool(
                idle,
                size.saturating_sub(idle),
                state.config.db_max_connections,
            );
            handle.run_upkeep();
            (
                [(
                    header::CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8",
                )],
                handle.render(),
            )
        }
    };
    let app = Router::new()
        .route("/metrics", get(scrape))
        .fallback(|| async { StatusCode::NOT_FOUND });
    // Histogram samples wait in buffers until folded into their buckets: every few seconds,
    // so memory stays flat while Prometheus is not scraping (without it peak RSS grew 42 MB
    // in a B6 run).
    let upkeep = async move {
        let mut every = tokio::time::interval(UPKEEP);
        loop {
            every.tick().await;
            handle.run_upkeep();
        }
    };
    let stopped = async move {
        tokio::select! {
            _ = stop.changed() => {}
            _ = upkeep => {}
        }
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stopped)
        .await
    {
        tracing::warn!(error = %e, "metrics listener failed");
    }
}

/// How often the metrics' histogram buffers are folded in when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// Records every request's route, status and time (installed only when metrics are on). The
/// route is the matched pattern, so a path's tokens and ids never become labels.
async fn record_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .cloned();
    let res = next.run(req).await;
    crate::telemetry::request(
        method.as_str(),
        route.as_ref().map_or("(unmatched)", |p| p.as_str()),
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// This machine's name (Linux), for telling nodes apart.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "kabinet".to_owned())
}

/// The server secret: from config (always so in production), else — in development only —
/// generated once and kept in the database so that every node of a deployment shares it.
async fn load_secret(db: &Db, config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = &config.secret {
        anyhow::ensure!(s.len() >= 32, "secret must be at least 32 characters");
        return Ok(s.as_bytes().to_vec());
    }
    let s = crate::keys::store::shared_secret(db, &crate::auth::new_token()).await?;
    Ok(s.into_bytes())
}

fn router(
    state: AppState,
    api: Router<AppState>,
    sessions: Arc<crate::auth::lookup::SessionLookup>,
) -> Router {
    let max_body = state.config.limits.max_body_bytes;
    let api = api
        .route("/openapi.json", get(openapi_json))
        .fallback(|| async { AppError::not_found() });
    // The pages (not the API): each has its form token and the header's cart counter.
    let pages = Router::new()
        .merge(crate::auth::pages::router())
        .merge(crate::account::pages::router())
        .merge(crate::mydata::pages::router())
        .merge(crate::recovery::pages::router())
        .merge(crate::catalog::pages::router())
        .merge(crate::cart::pages::router())
        .merge(crate::delivery::pages::router())
        .merge(crate::orders::pages::router())
        // The sandbox acquirer's own pages, while the sandbox is the provider.
        .merge(crate::acquirer::router())
        .merge(crate::rewards::pages::router())
        .merge(crate::certificates::pages::router())
        .merge(crate::returns::pages::router())
        .merge(crate::reviews::pages::router())
        .merge(crate::support::pages::router())
        .merge(crate::staff::pages::router())
        .route("/lang/{code}", get(switch_language))
        // The product page's reviews come from a capability above the catalogue.
        .layer(axum::Extension(crate::reviews::pages::source()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::cart::http::count_for_header,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::csrf::csrf_cookie,
        ));
    let metrics_on = state.config.metrics_addr.is_some();
    let node = state.node.clone();
    let app = Router::new()
        .nest("/api/v1", api)
        .merge(pages)
        .route("/api/docs", get(web::docs::page))
        .route("/static/{name}", get(web::static_file))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz).with_state(state.clone()))
        .fallback(|| async { AppError::not_found() })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::new())
        // Cross-site writes refused, errors rendered, security headers set: one layer.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::edge,
        ))
        .layer(axum::Extension(sessions));
    let app = if metrics_on {
        app.layer(axum::middleware::from_fn(record_request))
    } else {
        app
    };
    app.layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(move |req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                // The route, never the path: paths carry recovery and revert tokens.
                let route = req
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map_or("(unmatched)", |p| p.as_str());
                tracing::info_span!("request", node = %node, method = %req.method(), route = %route, request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::map_request(plain_request_id))
        .with_state(state)
}

/// A client's `X-Request-Id` is kept (and logged, and sent back) only when it is one plain
/// token — at most 64 of `A–Z a–z 0–9 . _ - + : / @` — so it cannot forge fields in the logs
/// (no spaces, `=` or quotes); any other is dropped and a new id made.
async fn plain_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    let ids = req.headers().get_all("x-request-id");
    let plain = |v: &HeaderValue| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || b"._-+:/@".contains(c))
    };
    let keep = ids.iter().count() <= 1 && ids.iter().all(plain);
    if !keep {
        req.headers_mut().remove("x-request-id");
    }
    req
}

async fn openapi_json(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.clone(),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// The footer's language switch: remembers the choice in a cookie and returns to the page.
async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    web::ApiQuery(q): web::ApiQuery<Back>,
) -> Result<Response, AppError> {
    let locale = crate::i18n::Locale::parse(&code).ok_or_else(AppError::not_found)?;
    let back = crate::auth::pages::safe_next(q.back.as_deref().or(Some("/")));
    let cookie = web::set_cookie(
        &state,
        LANG_COOKIE,
        locale.code(),
        Some(365 * 86_400),
        false,
    );
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (
                header::LOCATION,
                HeaderValue::from_str(&back).map_err(AppError::internal)?,
            ),
        ],
    )
        .into_response())
}
