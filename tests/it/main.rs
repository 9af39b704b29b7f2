//! The one integration-test binary (one link step for the whole suite). Every test starts the
//! real application on 127.0.0.1:0 with its own fresh database — SQLite in a temp dir, or a
//! PostgreSQL database made from a migrated template when KABINET_TEST_POSTGRES_URL is set —
//! and talks to it over HTTP like a browser or an app would.

mod support;

mod api_doc;
mod auth_codes;
mod auth_limits;
mod backup;
mod concurrency;
mod contacts;
mod crash;
mod delivery;
mod demo;
mod hardening;
mod lifecycle;
mod metrics;
mod mydata;
mod notifications;
mod notify;
mod orders;
mod pages;
mod passwords;
mod receipts;
mod recovery;
mod returns;
mod reviews;
mod sessions;
mod shop;
mod staff;
mod staff_orders;
mod staff_wares;

mod staff_cases;
mod storefront;
mod support_tickets;
mod wallet_balance;
mod wallet_checkout;
mod wallet_points;
