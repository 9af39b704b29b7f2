//! Sign-in: one-time codes, sessions and their rules.
//!
//! The pure rules (contact parsing, code normalisation, resend schedule, tokens) live on the
//! domain floor (`crate::domain::identity`, re-exported here); `codes/` and `sessions.rs`
//! apply them against the database, whose SQL is in `codes/store.rs` and `store.rs`; `api.rs`
//! and `pages.rs` are the JSON and HTML faces.

pub mod api;
pub mod captcha;
pub mod codes;
pub mod credentials;
pub mod http;
pub mod lookup;
pub mod pages;
pub use crate::password;
pub mod sessions;
pub mod store;
pub mod volume;

pub use crate::domain::identity::*;
