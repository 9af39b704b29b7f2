//! The sandbox bank's own pages: where a real acquirer (ЮKassa, CloudPayments, Tinkoff) would
//! show its hosted 3-D Secure or wallet page. Kabinet sends the customer here
//! (`/pay/{3ds,wallet,sbp}/{number}` → [`crate::payments::PaymentProvider::confirmation_url`]);
//! the bank records the customer's answer in its own books, notifies Kabinet the way an
//! acquirer's webhook would (Kabinet then asks the bank what happened and settles), and sends
//! the customer back to the return URL given with the charge. The page is reached by the
//! charge's reference (256 random bits) and, because the sandbox shares Kabinet's origin, only
//! by the customer whose order it pays (as a real bank asks for its own sign-in); it shows only
//! what the bank itself holds, and refuses answers after the payment's time is up.
//!
//! A real provider needs none of this module: its pages live on its own site; `app.rs` mounts
//! it only while the sandbox is the provider.

pub mod pages;

pub use pages::router;
