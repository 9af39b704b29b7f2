//! Prometheus metrics (`KABINET_METRICS_ADDR`, off by default). Every metric Kabinet has is
//! named here, so an operator reads one file to learn them (README «Metrics» says what to alert
//! on). The recording functions are cheap no-ops until [`install`] runs: a node without a
//! metrics address pays nothing but a branch.
//!
//! Counters and histograms are recorded where things happen; the gauges of shared state (the
//! outbox backlog, the pool) are sampled when Prometheus scrapes (`app::serve_metrics`).

use metrics::{Counter, Histogram, counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::{LazyLock, RwLock};

/// Upper bounds of the latency buckets (seconds): 0.5 ms to 10 s.
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// Installs the process-wide recorder (once: every later call gets the same handle).
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let mut slot = HANDLE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(h) = &*slot {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(slot.insert(handle).clone())
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "kabinet_http_requests_total",
        "Requests answered, by method, route (the pattern, never the path) and status"
    );
    describe_histogram!(
        "kabinet_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by method and route"
    );
    describe_histogram!(
        "kabinet_db_query_seconds",
        Unit::Seconds,
        "Time of each statement sqlx ran (the SQLite read-only readers are not timed)"
    );
    describe_gauge!(
        "kabinet_db_pool_connections",
        "Database connections of this node by state (idle, busy) and the configured max"
    );
    describe_gauge!("kabinet_outbox_depth", "Messages queued and not yet sent");
    describe_gauge!(
        "kabinet_outbox_oldest_age_seconds",
        "Age of the oldest queued message (0 when none)"
    );
    describe_counter!(
        "kabinet_messages_total",
        "Messages handed to a transport, by channel and outcome (sent, retry, dropped)"
    );
    describe_counter!(
        "kabinet_code_requests_total",
        "One-time code requests by channel and outcome (sent, or the error code)"
    );
    describe_counter!(
        "kabinet_code_checks_total",
        "Codes entered, by outcome (ok, or the error code)"
    );
    describe_counter!("kabinet_captchas_shown_total", "Captchas issued");
    describe_counter!(
        "kabinet_address_limits_total",
        "Requests refused by a per-address limit, by volume (codes, password_failures, \
         requests, captchas) and outcome (captcha_required, invalid_captcha, too_many_requests)"
    );
    describe_counter!(
        "kabinet_checkouts_total",
        "Checkout attempts by outcome (placed, or the error code)"
    );
    describe_counter!(
        "kabinet_payments_total",
        "Acquirer answers that changed a payment, by outcome (paid, declined, \
         needs_confirmation, refund_due)"
    );
    describe_gauge!(
        "kabinet_lease_held",
        "1 while this node holds the named lease (summed over nodes it should be 1)"
    );
    describe_gauge!(
        "kabinet_draining",
        "1 while this node is stopping (its /readyz answers 503)"
    );
}

/// The `method` label: the client's word, so anything but these is `other` (a client cannot
/// make new series).
const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other",
];

/// One route's request series, by method (an index of [`METHODS`]) and status. `counter!` and
/// `histogram!` with labels build and hash their key on every call — 6.5 µs a request
/// measured under B1 — so each series' handle is made once and kept here.
#[derive(Default)]
struct RouteSeries {
    latency: [Option<Histogram>; 8],
    answered: HashMap<(usize, u16), Counter>,
}

static REQUESTS: LazyLock<RwLock<HashMap<String, RouteSeries>>> = LazyLock::new(Default::default);

pub fn request(method: &str, route: &str, status: u16, seconds: f64) {
    let m = METHODS[..7].iter().position(|x| *x == method).unwrap_or(7);
    {
        let routes = REQUESTS.read().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = routes.get(route)
            && let (Some(latency), Some(answered)) = (&r.latency[m], r.answered.get(&(m, status)))
        {
            answered.increment(1);
            latency.record(seconds);
            return;
        }
    }
    // A series seen for the first time.
    let mut routes = REQUESTS.write().unwrap_or_else(|e| e.into_inner());
    let r = routes.entry(route.to_owned()).or_default();
    let method = METHODS[m];
    r.answered
        .entry((m, status))
        .or_insert_with(|| {
            counter!("kabinet_http_requests_total", "method" => method,
                "route" => route.to_owned(), "status" => status.to_string())
        })
        .increment(1);
    r.latency[m]
        .get_or_insert_with(|| {
            histogram!("kabinet_http_request_duration_seconds", "method" => method,
                "route" => route.to_owned())
        })
        .record(seconds);
}

pub fn query(seconds: f64) {
    histogram!("kabinet_db_query_seconds").record(seconds);
}

pub fn pool(idle: usize, busy: usize, max: u32) {
    gauge!("kabinet_db_pool_connections", "state" => "idle").set(idle as f64);
    gauge!("kabinet_db_pool_connections", "state" => "busy").set(busy as f64);
    gauge!("kabinet_db_pool_connections", "state" => "max").set(max as f64);
}

pub fn outbox(depth: i64, oldest_age_seconds: f64) {
    gauge!("kabinet_outbox_depth").set(depth as f64);
    gauge!("kabinet_outbox_oldest_age_seconds").set(oldest_age_seconds);
}

/// One message handed to a transport: `sent`, `retry` (failed, tried again later) or
/// `dropped` (failed for the last time, or unreadable).
pub fn message(channel: &'static str, outcome: &'static str) {
    counter!("kabinet_messages_total", "channel" => channel, "outcome" => outcome).increment(1);
}

/// A code request: `sent` or the error code that refused it.
pub fn code_request(channel: &'static str, outcome: &'static str) {
    counter!("kabinet_code_requests_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
}

/// A code entered: `ok` or the error code that refused it.
pub fn code_check(outcome: &'static str) {
    counter!("kabinet_code_checks_total", "outcome" => outcome).increment(1);
}

/// A request refused by a per-address limit before anything else was looked at.
pub fn address_limit(volume: &'static str, outcome: &'static str) {
    counter!("kabinet_address_limits_total", "volume" => volume, "outcome" => outcome).increment(1);
}

pub fn captcha_shown() {
    counter!("kabinet_captchas_shown_total").increment(1);
}

/// A checkout: `placed` or the error code that refused it.
pub fn checkout(outcome: &'static str) {
    counter!("kabinet_checkouts_total", "outcome" => outcome).increment(1);
}

pub fn payment(outcome: &'static str) {
    counter!("kabinet_payments_total", "outcome" => outcome).increment(1);
}

pub fn lease(name: &'static str, held: bool) {
    gauge!("kabinet_lease_held", "lease" => name).set(if held { 1.0 } else { 0.0 });
}

pub fn draining(on: bool) {
    gauge!("kabinet_draining").set(if on { 1.0 } else { 0.0 });
}

/// A tracing layer that times sqlx's statements: sqlx reports each one finished as an event on
/// `sqlx::query` with its `elapsed_secs`. Installed (with a filter letting those events
/// through) only when metrics are on.
pub struct QueryTimes;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for QueryTimes {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        struct Elapsed(Option<f64>);
        impl tracing::field::Visit for Elapsed {
            fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
                if field.name() == "elapsed_secs" {
                    self.0 = Some(value);
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut v = Elapsed(None);
        event.record(&mut v);
        if let Some(s) = v.0 {
            query(s);
        }
    }
}

/// The filter for [`QueryTimes`]: sqlx's statement events and nothing else.
pub fn query_events() -> tracing_subscriber::filter::Targets {
    tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::TRACE)
}
