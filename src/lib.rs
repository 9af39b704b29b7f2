//! Kabinet: the customer account service of an online marketplace.
//!
//! Organised by capability: `auth` (codes, sessions), `account` (profile pages),
//! `notify` (outbox and transports), with shared plumbing in `web`, `db`, `error`.

pub mod account;
pub mod acquirer;
pub mod app;
pub mod auth;
pub mod balance;
pub mod cart;
pub mod catalog;
pub mod certificates;
pub mod clock;
pub mod config;
pub mod customers;
pub mod db;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod fiscal;
pub mod housekeeping;
pub mod i18n;
pub mod import;
pub mod keys;
pub mod limits;
pub mod loyalty;
pub mod mydata;
pub mod notify;
pub mod orders;
pub mod password;
pub mod payments;
pub mod petrovich;
pub mod points;
pub mod products;
pub mod recovery;
pub mod returns;
pub mod reviews;
pub mod rewards;
pub mod seed;
pub mod staff;
pub mod state;
pub mod support;
pub mod telemetry;
pub mod web;
