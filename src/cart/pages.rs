//! «Корзина» and «Избранное» pages. Plain forms; the parcel plan is shown before checkout.

use super::{Cart, CartOwner};
use crate::customers::Authenticated;
use crate::error::AppResult;
use crate::products::{Product, rubles};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error_message;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cart", get(cart_page))
        .route("/cart/add", post(add))
        .route("/cart/update", post(update))
        .route("/favorites", get(favorites_page))
        .route("/favorites/add", post(favorite_add))
        .route("/favorites/remove", post(favorite_remove))
        .route("/favorites/to-cart", post(favorite_to_cart))
}

#[derive(Template, WebTemplate)]
#[template(path = "cart/cart.html")]
struct CartPage {
    page: Page,
    cart: Cart,
    error: Option<String>,
}

async fn cart_page(
    State(state): State<AppState>,
    page: Page,
    owner: CartOwner,
) -> AppResult<CartPage> {
    let cart = super::load_for(&state, &owner, page.l).await?;
    Ok(CartPage {
        page,
        cart,
        error: None,
    })
}

#[derive(Deserialize)]
struct AddForm {
    product_id: String,
    /// The page the button was on (catalogue list, product page): the shopper stays there.
    back: Option<String>,
}

async fn add(
    State(state): State<AppState>,
    page: Page,
    owner: CartOwner,
    CsrfForm(f): CsrfForm<AddForm>,
) -> AppResult<Response> {
    let result = super::add_one(&state, &owner.owner, &f.product_id).await;
    let back = f.back.as_deref().and_then(crate::web::local_path);
    respond(
        &state,
        page,
        &owner,
        result,
        back.as_deref().unwrap_or("/cart"),
    )
    .await
}

#[derive(Deserialize)]
struct UpdateForm {
    product_id: String,
    quantity: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    page: Page,
    owner: CartOwner,
    CsrfForm(f): CsrfForm<UpdateForm>,
) -> AppResult<Response> {
    let quantity = f.quantity.as_deref().unwrap_or("0").trim().parse::<i64>();
    let result = match quantity {
        Ok(q) => super::set_quantity(&state, &owner.owner, &f.product_id, q).await,
        Err(_) => Err(crate::error::AppError::bad_request("invalid_quantity")),
    };
    respond(&state, page, &owner, result, "/cart").await
}

/// To `to` on success; the cart with the error otherwise.
async fn respond(
    state: &AppState,
    mut page: Page,
    owner: &CartOwner,
    result: AppResult<()>,
    to: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(super::api::with_cookie(
            state,
            owner,
            Redirect::to(to).into_response(),
        )),
        Err(e) => {
            page.here = "/cart".into();
            let cart = super::load_for(state, owner, page.l).await?;
            let error = Some(error_message(page.l, &e));
            let mut res = CartPage { page, cart, error }.into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cart/favorites.html")]
struct FavoritesPage {
    page: Page,
    products: Vec<Product>,
}

impl FavoritesPage {
    fn money(&self, k: &i64) -> String {
        rubles(*k)
    }
}

async fn favorites_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
) -> AppResult<FavoritesPage> {
    let products = super::favorites::list(&state, &auth.customer.id).await?;
    Ok(FavoritesPage { page, products })
}

async fn favorite_add(
    State(state): State<AppState>,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<AddForm>,
) -> AppResult<Redirect> {
    super::favorites::add(&state, &auth.customer.id, &f.product_id).await?;
    Ok(Redirect::to(&format!("/catalog/{}", f.product_id)))
}

async fn favorite_remove(
    State(state): State<AppState>,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<AddForm>,
) -> AppResult<Redirect> {
    super::favorites::remove(&state, &auth.customer.id, &f.product_id).await?;
    Ok(Redirect::to("/favorites"))
}

async fn favorite_to_cart(
    State(state): State<AppState>,
    page: Page,
    owner: CartOwner,
    _auth: Authenticated,
    CsrfForm(f): CsrfForm<AddForm>,
) -> AppResult<Response> {
    let result = super::add_one(&state, &owner.owner, &f.product_id).await;
    respond(&state, page, &owner, result, "/cart").await
}
