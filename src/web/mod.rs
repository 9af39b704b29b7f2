//! Shared HTTP plumbing: extractors (client IP, language, page context, JSON and form bodies),
//! error rendering, security headers, CSRF and cookies.

pub mod csrf;
pub mod dev_outbox;
pub mod docs;
mod http_error;
pub mod layout;

use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| cookie::Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value with the attributes of SECURITY 19.
pub fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
    same_site_strict: bool,
) -> HeaderValue {
    let mut c = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(state.config.https())
        .same_site(if same_site_strict {
            cookie::SameSite::Strict
        } else {
            cookie::SameSite::Lax
        });
    if let Some(secs) = max_age_secs {
        c = c.max_age(cookie::time::Duration::seconds(secs));
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// The client's IP: the peer, or — only when the peer is a trusted proxy — the nearest
/// untrusted address in `X-Forwarded-For`.
#[derive(Debug, Clone)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    pub fn resolve(parts: &Parts, trusted: &[ipnet::IpNet]) -> IpAddr {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
        if !is_trusted(&peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .unwrap_or(peer)
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(Self::resolve(
            parts,
            &state.config.trusted_proxies,
        )))
    }
}

/// Who is acting, for limits and the security log.
impl FromRequestParts<AppState> for crate::domain::actor::Actor {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip = ClientIp::resolve(parts, &state.config.trusted_proxies).to_string();
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(256)
            .collect();
        Ok(Self {
            ip,
            user_agent,
            kind: crate::domain::actor::ActorKind::Customer,
        })
    }
}

pub const LANG_COOKIE: &str = "kabinet_lang";

/// The request's language: the footer switch (cookie), else `Accept-Language`, else Russian.
pub fn locale_of(headers: &HeaderMap) -> Locale {
    cookie(headers, LANG_COOKIE)
        .and_then(|v| Locale::parse(&v))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(locale_of(&parts.headers))
    }
}

/// A JSON body whose every failure (syntax, types, size, content type) is a 400 with a code.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(AppError::bad_request("invalid_json")),
            Err(JsonRejection::JsonDataError(e)) => Err(field_problem(
                AppError::bad_request("invalid_body"),
                &e.body_text(),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(AppError::bad_request("json_expected"))
            }
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(AppError::bad_request("body_too_large"))
            }
            Err(_) => Err(field_problem(AppError::bad_request("invalid_body"), "")),
        }
    }
}

/// Which field a serde message is about and what is wrong with it, as message arguments
/// (`problem`: missing, unknown, type or other; `field`), so the sentence is said in the
/// customer's language instead of serde's English.
fn field_problem(err: AppError, serde_text: &str) -> AppError {
    let text = serde_text
        .trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        .trim_start_matches("Failed to deserialize query string: ");
    let quoted = |after: &str| {
        text.split_once(after)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_owned)
    };
    let (problem, field) = if let Some(f) = quoted("missing field `") {
        ("missing", f)
    } else if let Some(f) = quoted("unknown field `") {
        ("unknown", f)
    } else if let Some((path, _)) = text
        .split_once(": invalid ")
        .filter(|(path, _)| !path.is_empty() && !path.contains(' '))
    {
        ("type", path.to_owned())
    } else if text.contains("invalid ") || text.contains("expected") {
        ("value", String::new())
    } else {
        ("other", String::new())
    };
    err.arg("problem", problem.to_owned()).arg("field", field)
}

/// `?done=…`: what a form did, for the page it returns to to say so.
#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// A query string whose failures are 400s with a code.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(|e| field_problem(AppError::bad_request("invalid_query"), &e.to_string()))
    }
}

/// The one middleware every request passes (ours; tower-http's request id, tracing, panic
/// catching and timeout are around and inside it): refuses cross-site writes
/// ([`cross_origin`]), renders every error ([`render_error`]) and sets the security headers
/// ([`secure_headers`]). One layer instead of three: each `from_fn` layer boxes the rest of the
/// stack and its future per request, and B1 paid for it.
pub async fn edge(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let locale = locale_of(req.headers());
    // Cheap: the path is reference-counted bytes. Only an error reads it.
    let uri = req.uri().clone();
    let res = if cross_origin(&state, &req) {
        AppError::forbidden("cross_origin").into_response()
    } else {
        next.run(req).await
    };
    let mut res = render_error(&state, locale, &uri, res);
    secure_headers(res.headers_mut(), state.config.https());
    res
}

/// Renders every error — ours, the router's (404, 405) and the layers' (timeouts, panics) —
/// as JSON under `/api/`, or as a page; a signed-out visitor of a private page is sent to
/// «Войти». Messages are in the request's language.
fn render_error(
    state: &AppState,
    locale: Locale,
    uri: &axum::http::Uri,
    res: Response,
) -> Response {
    let err = match res.extensions().get::<AppError>() {
        Some(e) => e.clone(),
        None if (res.status().is_client_error() || res.status().is_server_error())
            && !res.headers().contains_key(header::CONTENT_TYPE) =>
        {
            AppError::from_status(res.status())
        }
        None => return res,
    };
    let path = uri.path();
    let message = error_message(locale, &err);
    if path.starts_with("/api/") {
        let mut body = serde_json::json!({"error": {"code": err.code, "message": message}});
        for (k, v) in &err.details {
            body["error"][*k] = serde_json::Value::String(v.clone());
        }
        let mut out = (err.status(), axum::Json(body)).into_response();
        copy_retry_after(&res, &mut out);
        return out;
    }
    if err.status() == StatusCode::UNAUTHORIZED {
        let staff = path == "/staff" || path.starts_with("/staff/");
        let path_and_query = uri.path_and_query().map_or("", |p| p.as_str());
        let target = format!(
            "{}?next={}",
            if staff { "/staff/login" } else { "/login" },
            url::form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect::<String>()
        );
        return axum::response::Redirect::to(&target).into_response();
    }
    let mut out = layout::error_page(state, locale, err.status(), err.code, &message);
    copy_retry_after(&res, &mut out);
    out
}

pub fn error_message(locale: Locale, err: &AppError) -> String {
    let key = format!("error-{}", err.code.replace('_', "-"));
    let mut args = err.args.clone();
    // A wait is said in words: «через 50 минут», «через 1 час».
    if let Some(secs) = args
        .iter()
        .find(|(k, _)| *k == "seconds")
        .and_then(|(_, v)| v.parse::<i64>().ok())
    {
        args.push(("wait", locale.wait(secs)));
    }
    locale
        .try_ta(&key, &args)
        .unwrap_or_else(|| locale.t("error-bad-request"))
}

fn copy_retry_after(from: &Response, to: &mut Response) {
    if let Some(v) = from.headers().get(header::RETRY_AFTER) {
        to.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
}

/// SECURITY 24, the headers of every answer: a strict CSP, no sniffing, no framing,
/// no cross-site referrers, nothing cached unless the handler says so; and HSTS on https sites
/// (SECURITY 19).
fn secure_headers(h: &mut axum::http::HeaderMap, https: bool) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // On an https site only: browsers remember to never use plain http.
    if https && !h.contains_key(header::STRICT_TRANSPORT_SECURITY) {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// A state-changing request whose `Origin` is another site (with SameSite cookies and form
/// tokens, the third line of CSRF defence; apps send no `Origin`). Our own origin is the
/// configured base URL, or the `Host` the request came to (a proxy may rewrite one of them).
fn cross_origin(state: &AppState, req: &Request) -> bool {
    let m = req.method();
    if m == axum::http::Method::GET
        || m == axum::http::Method::HEAD
        || m == axum::http::Method::OPTIONS
    {
        return false;
    }
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    !(origin == state.base_url || (!host.is_empty() && origin_host == host))
}

/// Static files, embedded in the binary.
pub async fn static_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, mime): (&'static str, &'static str) = match name.as_str() {
        "app.css" => (
            include_str!("../../static/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_str!("../../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "docs.css" => (
            include_str!("../../static/docs.css"),
            "text/css; charset=utf-8",
        ),
        "docs.js" => (
            include_str!("../../static/docs.js"),
            "text/javascript; charset=utf-8",
        ),
        "logo.svg" => (include_str!("../../static/logo.svg"), "image/svg+xml"),
        _ => return AppError::not_found().into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The QR code of `payload`, drawn by the server as inline SVG (no images from elsewhere).
pub fn qr_svg(payload: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M)
        .map_err(|e| AppError::internal(format!("sbp qr: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // Inline in HTML: without the XML declaration, scaled by the page's CSS.
    let svg = svg
        .find("<svg")
        .map_or(svg.as_str(), |i| &svg[i..])
        .replacen(
            "<svg ",
            "<svg role=\"img\" class=\"qr\" aria-label=\"QR\" ",
            1,
        );
    Ok(svg)
}

/// `s` if it is a path on this site (a safe redirect target), else None (SECURITY 35): it
/// starts with one `/`, has no backslash and no control character anywhere (browsers drop TAB
/// and newlines, so `/\t/evil.example` would become `//evil.example`), and resolved against
/// the site it stays on the site. The answer is that path percent-encoded, fit for a
/// `Location` header whatever letters it had.
pub fn local_path(s: &str) -> Option<String> {
    if !s.starts_with('/')
        || s.starts_with("//")
        || s.len() > 2048
        || s.chars().any(|c| c == '\\' || c.is_control())
    {
        return None;
    }
    const SITE: &str = "https://kabinet.invalid/";
    let base = url::Url::parse(SITE).ok()?;
    let resolved = base.join(s).ok()?;
    // Dot segments go when resolving: `/.//evil.example` becomes `//evil.example`, which a
    // browser reads as another host. The resolved path must still be one local path.
    if resolved.origin() != base.origin() || resolved.path().starts_with("//") {
        return None;
    }
    let mut path = resolved.path().to_owned();
    if let Some(q) = resolved.query() {
        path.push('?');
        path.push_str(q);
    }
    Some(path)
}
#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn redirect_targets_stay_on_the_site() {
        assert_eq!(
            local_path("/orders?tab=1").as_deref(),
            Some("/orders?tab=1")
        );
        assert_eq!(
            local_path("/catalog/чай").as_deref(),
            Some("/catalog/%D1%87%D0%B0%D0%B9")
        );
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{1}",
            "https://evil.example/",
            "evil.example",
            "/x\\y",
            "/.//evil.example",
            "/..//evil.example",
            "/%2e//evil.example",
            "/a/..//evil.example",
            "",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
