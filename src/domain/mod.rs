//! The bottom floor: typed values of the shop's language, parsed once, with no I/O and no HTTP.
//! Capabilities above build on these; nothing here imports a capability.

pub mod actor;
pub mod identity;
pub mod money;
pub mod order;
