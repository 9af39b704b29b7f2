//! Sign-in: one-time codes, sessions and their rules.
//!
//! The pure rules (contact parsing, code normalisation, resend schedule, tokens) live on the
//! domain floor (`crate::domain::identity`, re-exported here); `codes.rs` and `sessions.rs`
//! apply them against the database; `api.rs` and `pages.rs` are the JSON and HTML faces.

pub mod api;
pub mod captcha;
pub mod codes;
pub mod credentials;
pub mod http;
pub mod pages;
pub use crate::password;
pub mod sessions;
pub mod volume;

pub use crate::domain::identity::*;
