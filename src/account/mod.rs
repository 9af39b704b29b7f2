//! The customer account's faces: the pages, the API and contact changes. The customers
//! themselves (rows, the security log, session types) are `crate::customers`, re-exported here.

pub mod api;
pub mod contacts;
pub mod pages;
pub mod store;

pub use crate::customers::*;
