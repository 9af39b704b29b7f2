//! What every page shares: language, the header's customer, the CSRF token, the footer switch.

use super::csrf::CsrfToken;
use crate::app::AppState;
use crate::auth::sessions::MaybeAuthenticated;
use crate::i18n::Locale;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// The context of the layout, built once per page request.
#[derive(Debug, Clone)]
pub struct Page {
    pub l: Locale,
    /// `Some` when signed in: the name for the header (empty → «Профиль»).
    pub user: Option<String>,
    pub csrf: String,
    /// This page's path and query, for the language switch to come back to.
    pub here: String,
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
    pub fn header_name(&self) -> String {
        match &self.user {
            Some(n) if !n.is_empty() => n.clone(),
            _ => self.t("nav-profile"),
        }
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = MaybeAuthenticated::from_request_parts(parts, state).await?;
        Ok(Page {
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
    _state: &AppState,
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
