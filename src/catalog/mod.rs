//! The catalogue's faces (PRODUCT S1): the API, the pages, the demo goods and the import. The
//! products themselves are `crate::products`, re-exported here. Anyone browses.

pub mod api;
pub mod demo;
pub mod import;
pub mod pages;

pub use crate::products::*;
