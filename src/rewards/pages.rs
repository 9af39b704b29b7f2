//! «Баллы и бонусы» (`/account/points`) and «Карта Kabinet» (`/account/cobrand-card`) pages.
//! The card page asks the city first and says at once whether the card is delivered there;
//! only then does it show the application form. Plain forms, no JavaScript needed.

use super::{Application, CobrandStatus, NewApplication};
use crate::customers::Authenticated;
use crate::error::AppResult;
use crate::i18n::Locale;
use crate::loyalty::{Entry, EntryKind, Summary, Tier, TierReason};
use crate::state::AppState;
use crate::web::ApiQuery;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/points", get(points_page))
        .route("/account/cobrand-card", get(card_page).post(card_submit))
}

/// A whole number with thin groups the Russian way: «12 500».
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(ch);
    }
    if n < 0 { format!("−{out}") } else { out }
}

/// Kopecks as whole roubles, rounded up (what is still needed) or down (what was spent).
fn roubles(kopecks: i64, up: bool) -> String {
    let whole = if up {
        (kopecks + 99).div_euclid(100)
    } else {
        kopecks.div_euclid(100)
    };
    format!("{}\u{a0}₽", grouped(whole))
}

/// «1 250 баллов».
pub fn points_text(l: Locale, n: i64) -> String {
    l.ta(
        "loyalty-points",
        &[("n", n.abs().to_string()), ("shown", grouped(n))],
    )
}

/// One line of the history as the page shows it.
struct Line {
    when: String,
    what: String,
    order: Option<String>,
    /// «+120», «−40».
    delta: String,
    plus: bool,
}

fn line(page: &Page, e: &Entry) -> Line {
    let key = match (e.kind, e.points >= 0) {
        (EntryKind::Earned, _) => "loyalty-kind-earned",
        (EntryKind::Spent, _) => "loyalty-kind-spent",
        (EntryKind::Returned, true) => "loyalty-kind-returned",
        (EntryKind::Returned, false) => "loyalty-kind-taken-back",
        (EntryKind::Expired, _) => "loyalty-kind-expired",
        (EntryKind::Granted, _) => "loyalty-kind-granted",
    };
    Line {
        when: page.when(e.at),
        what: page.t(key),
        order: e.order_number.clone(),
        delta: if e.points >= 0 {
            format!("+{}", grouped(e.points))
        } else {
            grouped(e.points)
        },
        plus: e.points >= 0,
    }
}

/// The bar to the next tier.
struct Progress {
    /// «ещё 12 000 ₽ до «Золотого»».
    text: String,
    value: i64,
    max: i64,
    percent: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "rewards/points.html")]
struct PointsPage {
    page: Page,
    tier: Tier,
    tier_name: String,
    /// «Начисляем 5 % от стоимости полученных товаров».
    accrual: String,
    /// Why this tier.
    reason: String,
    progress: Option<Progress>,
    points: String,
    rules: String,
    /// (points, date)
    expiring: Vec<(String, String)>,
    history: Vec<Line>,
    next_cursor: Option<String>,
    card: CobrandStatus,
}

#[derive(Deserialize)]
struct HistoryQuery {
    cursor: Option<String>,
}

fn points_view(
    page: Page,
    s: Summary,
    history: Vec<Entry>,
    next_cursor: Option<String>,
    card: CobrandStatus,
) -> PointsPage {
    let l = page.l;
    let tier_name = super::api::tier_name(l, s.tier);
    let reason = match s.reason {
        TierReason::CobrandCard => page.t("loyalty-reason-card"),
        TierReason::Purchases => l.ta(
            "loyalty-reason-purchases",
            &[("amount", roubles(s.spent_12m.get(), false))],
        ),
    };
    let progress = s.next_tier.map(|n| {
        let from = s.tier.threshold().get();
        let to = n.tier.threshold().get();
        let value = (s.spent_12m.get() - from).clamp(0, to - from);
        Progress {
            text: l.ta(
                &format!("loyalty-next-{}", n.tier.as_str()),
                &[("amount", roubles(n.spend_needed.get(), true))],
            ),
            value,
            max: to - from,
            percent: value * 100 / (to - from).max(1),
        }
    });
    PointsPage {
        tier: s.tier,
        accrual: l.ta(
            "loyalty-accrual",
            &[("percent", s.tier.percent().to_string())],
        ),
        reason,
        progress,
        points: points_text(l, s.points),
        rules: l.ta(
            "loyalty-rules",
            &[("percent", crate::loyalty::MAX_SHARE_PERCENT.to_string())],
        ),
        expiring: s
            .expiring
            .iter()
            .map(|e| (points_text(l, e.points), page.date(e.at)))
            .collect(),
        history: history.iter().map(|e| line(&page, e)).collect(),
        next_cursor,
        card,
        tier_name,
        page,
    }
}

async fn points_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> AppResult<PointsPage> {
    let c = &auth.customer.id;
    let s = crate::loyalty::summary(&state.db, c, state.clock.now_ms()).await?;
    let (history, next_cursor) =
        crate::loyalty::history(&state.db, c, q.cursor.as_deref(), 20).await?;
    let card = super::current(&state, c)
        .await?
        .map_or(CobrandStatus::None, |a| a.status);
    Ok(points_view(page, s, history, next_cursor, card))
}

/// Where the city question stands.
enum CityCheck {
    /// Not asked yet.
    Ask,
    /// Delivered there (the city as the shop names it).
    Served(String),
    /// Not delivered there (the city as typed).
    NotServed(String),
}

#[derive(Template, WebTemplate)]
#[template(path = "rewards/card.html")]
struct CardPage {
    page: Page,
    current: Option<Application>,
    cities: Vec<String>,
    check: CityCheck,
    /// May apply now (no submitted or approved application).
    can_apply: bool,
    full_name: String,
    birth_date: String,
    phone: String,
    error: Option<String>,
    notice: Option<String>,
    platinum: String,
    /// The latest birthday of an adult today, for the date field's `max`.
    adult_max: String,
}

impl CardPage {
    fn lead(&self) -> String {
        self.page.l.ta(
            "cobrand-lead",
            &[
                ("tier", self.platinum.clone()),
                ("percent", Tier::Platinum.percent().to_string()),
            ],
        )
    }
    fn typed_city(&self) -> &str {
        match &self.check {
            CityCheck::Ask => "",
            CityCheck::Served(c) | CityCheck::NotServed(c) => c,
        }
    }
    fn status_text(&self, a: &Application) -> String {
        let l = self.page.l;
        match a.status {
            CobrandStatus::Submitted => l.ta(
                "cobrand-status-submitted",
                &[
                    ("date", self.page.date(a.created_at)),
                    ("phone", crate::domain::identity::format_phone(&a.phone)),
                ],
            ),
            CobrandStatus::Approved => l.ta(
                "cobrand-status-approved",
                &[("tier", self.platinum.clone())],
            ),
            CobrandStatus::Rejected => l.ta(
                "cobrand-status-rejected",
                &[("date", self.page.date(a.created_at))],
            ),
            CobrandStatus::None => String::new(),
        }
    }
    fn city_answer(&self) -> String {
        match &self.check {
            CityCheck::Served(c) => self.page.ta1("cobrand-city-served", "city", c),
            CityCheck::NotServed(c) => self.page.ta1("cobrand-city-not-served", "city", c),
            CityCheck::Ask => String::new(),
        }
    }
    fn served(&self) -> bool {
        matches!(self.check, CityCheck::Served(_))
    }
    fn not_served(&self) -> bool {
        matches!(self.check, CityCheck::NotServed(_))
    }
}

#[derive(Deserialize, Default)]
struct CardQuery {
    city: Option<String>,
    done: Option<String>,
}

/// What the card page shows for a city typed (or none).
fn check_of(state: &AppState, typed: Option<&str>) -> CityCheck {
    match typed.map(str::trim).filter(|c| !c.is_empty()) {
        None => CityCheck::Ask,
        Some(c) => match super::served_city(&state.config.cobrand_cities, c) {
            Some(city) => CityCheck::Served(city),
            None => CityCheck::NotServed(c.chars().take(80).collect()),
        },
    }
}

async fn card_view(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    check: CityCheck,
    typed: Option<NewApplication>,
    error: Option<String>,
    notice: Option<String>,
) -> AppResult<CardPage> {
    let current = super::current(state, &auth.customer.id).await?;
    let can_apply = current
        .as_ref()
        .is_none_or(|a| a.status == CobrandStatus::Rejected);
    let c = &auth.customer;
    let typed = typed.unwrap_or_else(|| NewApplication {
        full_name: c.full_name(),
        phone: c
            .phone
            .as_deref()
            .map(crate::domain::identity::format_phone)
            .unwrap_or_default(),
        ..NewApplication::default()
    });
    let adult_max = super::today(state)
        .checked_sub(jiff::Span::new().years(18))
        .map(|d| d.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Ok(CardPage {
        adult_max,
        platinum: super::api::tier_name(page.l, Tier::Platinum),
        current,
        cities: state.config.cobrand_cities.clone(),
        check,
        can_apply,
        full_name: typed.full_name,
        birth_date: typed.birth_date,
        phone: typed.phone,
        error,
        notice,
        page,
    })
}

async fn card_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<CardQuery>,
) -> AppResult<CardPage> {
    let notice = (q.done.as_deref() == Some("submitted")).then(|| page.t("cobrand-done"));
    let check = check_of(&state, q.city.as_deref());
    card_view(&state, page, &auth, check, None, None, notice).await
}

#[derive(Deserialize)]
struct ApplyForm {
    city: Option<String>,
    full_name: Option<String>,
    birth_date: Option<String>,
    phone: Option<String>,
}

async fn card_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<ApplyForm>,
) -> AppResult<Response> {
    let typed = NewApplication {
        full_name: f.full_name.unwrap_or_default(),
        birth_date: f.birth_date.unwrap_or_default(),
        city: f.city.unwrap_or_default(),
        phone: f.phone.unwrap_or_default(),
    };
    match super::apply(&state, &auth.customer.id, &typed).await {
        Ok(_) => Ok(Redirect::to("/account/cobrand-card?done=submitted").into_response()),
        Err(e) => {
            let msg = crate::web::error_message(page.l, &e);
            let check = check_of(&state, Some(&typed.city));
            let status = e.status();
            let mut res = card_view(&state, page, &auth, check, Some(typed), Some(msg), None)
                .await?
                .into_response();
            *res.status_mut() = status;
            Ok(res)
        }
    }
}
