//! «Возвраты» (`/account/returns`) and the return form of a received order
//! (`/account/returns/new?order=NUMBER`). Plain forms, no JavaScript needed.

use super::{REASONS, RefundTo, Return, Status};
use crate::customers::Authenticated;
use crate::error::{AppError, AppResult};
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
        .route("/account/returns", get(list_page).post(submit))
        .route("/account/returns/new", get(form_page))
}

/// A return as the list shows it.
pub struct Line {
    pub r: Return,
    pub status_key: String,
    pub reason_text: String,
}

fn line(page: &Page, r: Return) -> Line {
    Line {
        status_key: format!("return-status-{}", r.status.as_str()),
        reason_text: page.t(&format!("return-reason-{}", r.reason.replace('_', "-"))),
        r,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "returns/list.html")]
struct ListPage {
    page: Page,
    items: Vec<Line>,
    notice: Option<String>,
    next_cursor: Option<String>,
    window_days: i64,
}

impl ListPage {
    fn to_text(&self, to: &RefundTo) -> String {
        self.page.t(&format!("return-to-{}", to.as_str()))
    }
    fn decided(&self, r: &Return) -> bool {
        matches!(r.status, Status::Refunded | Status::Approved)
    }
}

#[derive(Deserialize)]
struct ListQuery {
    done: Option<String>,
    cursor: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<ListPage> {
    let (items, next_cursor) =
        super::mine(&state, &auth.customer.id, q.cursor.as_deref(), 20).await?;
    let notice = match q.done.as_deref() {
        Some("requested") => Some(page.t("return-done-requested")),
        Some("refunded") => Some(page.t("return-done-refunded")),
        _ => None,
    };
    Ok(ListPage {
        items: items.into_iter().map(|r| line(&page, r)).collect(),
        notice,
        next_cursor,
        window_days: state.config.returns.window_days,
        page,
    })
}

/// A line of the form: what was bought and what may still be returned.
struct FormLine {
    product_id: String,
    title: String,
    price: i64,
    bought: i64,
    left: i64,
    /// What was typed (kept after a mistake).
    typed: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "returns/new.html")]
struct FormPage {
    page: Page,
    number: String,
    lines: Vec<FormLine>,
    reasons: Vec<&'static str>,
    reason: String,
    comment: String,
    refund_to: String,
    card_possible: bool,
    paid_with: String,
    until: i64,
    error: Option<String>,
}

impl FormPage {
    fn reason_label(&self, code: &str) -> String {
        self.page
            .t(&format!("return-reason-{}", code.replace('_', "-")))
    }
}

#[derive(Deserialize)]
struct FormQuery {
    order: Option<String>,
}

/// What the form keeps after a mistake.
#[derive(Default)]
struct Typed {
    quantities: Vec<(String, i64)>,
    reason: String,
    comment: String,
    refund_to: String,
}

async fn form_view(
    state: &AppState,
    mut page: Page,
    auth: &Authenticated,
    number: &str,
    typed: Typed,
    error: Option<String>,
) -> AppResult<FormPage> {
    let f = super::form(state, &auth.customer.id, number).await?;
    page.here = "/account/returns".into();
    let lines = f
        .lines
        .into_iter()
        .map(|l| FormLine {
            typed: typed
                .quantities
                .iter()
                .find(|(p, _)| *p == l.product_id)
                .map_or(0, |(_, q)| *q),
            product_id: l.product_id,
            title: l.title,
            price: l.price,
            bought: l.bought,
            left: l.left,
        })
        .collect();
    let refund_to = if typed.refund_to.is_empty() || !f.card_possible {
        "balance".to_owned()
    } else {
        typed.refund_to
    };
    Ok(FormPage {
        number: f.order.number.clone(),
        paid_with: f.order.paid_with(&page.l),
        lines,
        reasons: REASONS.to_vec(),
        reason: if typed.reason.is_empty() {
            "defect".into()
        } else {
            typed.reason
        },
        comment: typed.comment,
        refund_to,
        card_possible: f.card_possible,
        until: f.until,
        error,
        page,
    })
}

async fn form_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<FormQuery>,
) -> AppResult<FormPage> {
    let number = q.order.unwrap_or_default();
    form_view(&state, page, &auth, &number, Typed::default(), None).await
}

/// The form: `order`, `reason`, `comment`, `refund_to` and `qty_<product id>` per line.
async fn submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let number = field("order");
    let mut typed = Typed {
        reason: field("reason").chars().take(60).collect(),
        comment: field("comment").chars().take(super::MAX_COMMENT).collect(),
        refund_to: field("refund_to"),
        quantities: Vec::new(),
    };
    let mut bad_quantity = false;
    for (k, v) in &fields {
        if let Some(product) = k.strip_prefix("qty_") {
            match v.trim() {
                "" => {}
                v => match v.parse::<i64>() {
                    Ok(q) if q >= 0 => {
                        if q > 0 {
                            typed.quantities.push((product.to_owned(), q));
                        }
                    }
                    _ => bad_quantity = true,
                },
            }
        }
    }
    let error = if bad_quantity {
        Some(AppError::bad_request("invalid_return_quantity"))
    } else if typed.quantities.is_empty() {
        Some(AppError::bad_request("return_nothing_chosen"))
    } else {
        None
    };
    let mut result = Ok(());
    // Lines filed before a later one was refused: taken off the form shown again, so sending it
    // once more does not ask for them twice.
    let mut filed: Vec<String> = Vec::new();
    if let Some(e) = error {
        result = Err(e);
    } else {
        for (product, quantity) in &typed.quantities {
            let r = super::request(
                &state,
                &auth.customer.id,
                super::Request {
                    order_number: &number,
                    product_id: product,
                    quantity: *quantity,
                    reason: &typed.reason,
                    comment: Some(&typed.comment),
                    refund_to: &typed.refund_to,
                },
            )
            .await;
            match r {
                Ok(_) => filed.push(product.clone()),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
    }
    typed.quantities.retain(|(p, _)| !filed.contains(p));
    match result {
        Ok(()) => Ok(Redirect::to("/account/returns?done=requested").into_response()),
        Err(e) if e.is_client_error() && e.code != "order_not_found" => {
            let mut msg = crate::web::error_message(page.l, &e);
            if !filed.is_empty() {
                msg = format!(
                    "{} {msg}",
                    page.l
                        .ta("returns-partly-filed", &[("n", filed.len().to_string())])
                );
            }
            let status = e.status();
            let mut res =
                match form_view(&state, page, &auth, &number, typed, Some(msg.clone())).await {
                    Ok(p) => p.into_response(),
                    // The order is no longer returnable at all: its own message.
                    Err(_) => return Err(e),
                };
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}
