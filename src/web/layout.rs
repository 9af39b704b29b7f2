//! What every page shares: language, the header's customer, the CSRF token, the footer switch.

use super::csrf::CsrfToken;
use crate::customers::MaybeAuthenticated;
use crate::i18n::Locale;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// A number as templates hand it over: by value, or behind one or two references (loops).
pub trait Num {
    fn num(&self) -> i64;
}

impl Num for i64 {
    fn num(&self) -> i64 {
        *self
    }
}

impl<T: Num + ?Sized> Num for &T {
    fn num(&self) -> i64 {
        (**self).num()
    }
}

/// The context of the layout, built once per page request.
#[derive(Debug, Clone)]
pub struct Page {
    pub l: Locale,
    /// `Some` when signed in: the name for the header (empty → «Профиль»).
    pub user: Option<String>,
    pub csrf: String,
    /// This page's path and query, for the language switch to come back to.
    pub here: String,
    /// The shop's time zone, for [`Page::when`] and [`Page::date`].
    pub zone: jiff::tz::TimeZone,
    /// Items in the visitor's cart, for the header's counter.
    pub cart_count: i64,
    /// The shop's personal-data policy (`KABINET_PRIVACY_POLICY_URL`).
    pub privacy_url: String,
}

impl Page {
    pub fn t(&self, key: &str) -> String {
        self.l.t(key)
    }
    pub fn other_lang(&self) -> &'static str {
        match self.l {
            Locale::Ru => "en",
            Locale::En => "ru",
        }
    }
    pub fn other_lang_label(&self) -> &'static str {
        match self.l {
            Locale::Ru => "English",
            Locale::En => "Русский",
        }
    }
    pub fn here_encoded(&self) -> String {
        url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect()
    }
    /// A moment as pages show it: «30 ноября 2026, 12:32» in the shop's zone.
    pub fn when(&self, ms: impl Num) -> String {
        self.l.when(ms.num(), &self.zone)
    }
    /// A day as pages show it: «30 ноября 2026».
    pub fn date(&self, ms: impl Num) -> String {
        self.l.date(ms.num(), &self.zone)
    }
    /// A message with one named text argument.
    pub fn ta1(&self, key: &str, name: &'static str, value: impl AsRef<str>) -> String {
        self.l.ta(key, &[(name, value.as_ref().to_owned())])
    }
    /// A message whose argument `n` is a count (plural forms).
    pub fn ta_n(&self, key: &str, n: impl Num) -> String {
        self.l.ta(key, &[("n", n.num().to_string())])
    }
    /// Kopecks as roubles: «1 299 ₽».
    pub fn money(&self, k: impl Num) -> String {
        crate::domain::money::rubles(k.num())
    }
    /// Grams as kilograms: «10,3 кг».
    pub fn kg(&self, g: impl Num) -> String {
        format!(
            "{} {}",
            format!("{:.1}", g.num() as f64 / 1000.0).replace('.', ","),
            self.t("unit-kg")
        )
    }
    /// An RFC 3339 time (as orders carry them) the way pages show it.
    pub fn at(&self, rfc3339: &str) -> String {
        match rfc3339.parse::<jiff::Timestamp>() {
            Ok(t) => self.l.when(t.as_millisecond(), &self.zone),
            Err(_) => rfc3339.to_owned(),
        }
    }
    /// A weight as people say it: «850 г», «10,3 кг».
    pub fn weight(&self, g: impl Num) -> String {
        let g = g.num();
        if g < 1000 {
            format!("{g}\u{a0}{}", self.t("unit-g"))
        } else {
            self.kg(g).replacen(' ', "\u{a0}", 1)
        }
    }
    /// «3 товара».
    pub fn items(&self, n: impl Num) -> String {
        self.l.items(n.num())
    }
    pub fn header_name(&self) -> String {
        match &self.user {
            Some(n) if !n.is_empty() => n.clone(),
            _ => self.t("nav-profile"),
        }
    }
}

/// Items in the visitor's cart, put into a page request's extensions by the cart
/// (`cart::http::count_for_header`) for the header's counter.
#[derive(Debug, Clone, Copy)]
pub struct CartCount(pub i64);

impl FromRequestParts<AppState> for Page {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = MaybeAuthenticated::from_request_parts(parts, state).await?;
        // The header's cart counter, counted by the cart's middleware for every page.
        let cart_count = parts.extensions.get::<CartCount>().map_or(0, |c| c.0);
        Ok(Page {
            privacy_url: state.config.privacy_policy_url.clone(),
            zone: state.zone.clone(),
            cart_count,
            l: super::locale_of(&parts.headers),
            user: auth
                .0
                .map(|a| a.customer.display_name().unwrap_or_default()),
            csrf: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            here: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into()),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    title: String,
    message: String,
    /// Where to go on from this error, besides home.
    onward: Option<(String, String)>,
}

pub fn error_page(
    state: &AppState,
    l: Locale,
    status: StatusCode,
    code: &str,
    message: &str,
) -> Response {
    let page = Page {
        l,
        user: None,
        csrf: String::new(),
        here: "/".into(),
        zone: state.zone.clone(),
        cart_count: 0,
        privacy_url: state.config.privacy_policy_url.clone(),
    };
    let title = if status == StatusCode::NOT_FOUND {
        l.t("error-page-not-found")
    } else if status.is_server_error() {
        l.t("error-page-server")
    } else {
        l.t("error-page-title")
    };
    let onward = match code {
        "recovery_link_invalid" => Some(("/recovery".to_owned(), l.t("error-page-recovery"))),
        "csrf_failed" => Some(("/login".to_owned(), l.t("nav-login"))),
        _ => None,
    };
    let mut res = ErrorPage {
        page,
        title,
        message: message.to_owned(),
        onward,
    }
    .into_response();
    *res.status_mut() = status;
    res
}

/// A page that just says what happened (and where to go next).
#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
pub struct NoticePage {
    pub page: Page,
    pub title: String,
    pub text: String,
    /// (href, label) of a button.
    pub action: Option<(String, String)>,
}
