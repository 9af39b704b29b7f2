//! An order's status and the moves it may make.

use serde::Serialize;

/// Where an order is. Stored as its snake_case name; the API shows the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    AwaitingPayment,
    Paid,
    Assembling,
    Shipped,
    ReadyForPickup,
    Received,
    Cancelled,
}

impl OrderStatus {
    /// Every status, in the order an order goes through them (cancelled last).
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Assembling,
        OrderStatus::Shipped,
        OrderStatus::ReadyForPickup,
        OrderStatus::Received,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Assembling => "assembling",
            OrderStatus::Shipped => "shipped",
            OrderStatus::ReadyForPickup => "ready_for_pickup",
            OrderStatus::Received => "received",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Received or cancelled: nothing moves it any more.
    pub fn is_finished(self) -> bool {
        matches!(self, OrderStatus::Received | OrderStatus::Cancelled)
    }

    /// The customer may still cancel (before it ships).
    pub fn is_cancellable(self) -> bool {
        matches!(
            self,
            OrderStatus::AwaitingPayment | OrderStatus::Paid | OrderStatus::Assembling
        )
    }

    /// Staff moves: only forward along the way, never out of a finished order, and never back
    /// to waiting for payment (a cancelled order moved on and cancelled again would give its
    /// stock and bonuses back twice). Cancelling has its own rule, [`Self::is_cancellable`].
    pub fn can_move_to(self, to: OrderStatus) -> bool {
        to != OrderStatus::Cancelled
            && to != OrderStatus::AwaitingPayment
            && !self.is_finished()
            && to > self
    }
}

/// An order's number as the customer sees it («№ 1024»): digits only, at most 18, parsed once
/// where it comes in (a path, a command line), so the store never sees anything else.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderNumber(String);

impl OrderNumber {
    pub fn parse(s: &str) -> Option<Self> {
        let ok = !s.is_empty()
            && s.len() <= 18
            && s.bytes().all(|b| b.is_ascii_digit())
            && !s.starts_with('0');
        ok.then(|| OrderNumber(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for OrderStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn order_numbers_are_digits_parsed_once() {
        assert_eq!(OrderNumber::parse("1024").unwrap().as_str(), "1024");
        for bad in ["", "0", "01", "12a", "1 2", "../1", "1234567890123456789"] {
            assert!(OrderNumber::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(OrderStatus::parse("lost"), None);
    }

    #[test]
    fn orders_move_only_forward_and_finished_ones_not_at_all() {
        assert!(Paid.can_move_to(Assembling));
        assert!(Paid.can_move_to(Received), "steps may be skipped");
        assert!(!Shipped.can_move_to(Paid), "never back");
        assert!(!Received.can_move_to(Cancelled));
        assert!(!Cancelled.can_move_to(Shipped));
        assert!(!Paid.can_move_to(AwaitingPayment));
        assert!(!Paid.can_move_to(Paid));
        assert!(AwaitingPayment.is_cancellable() && Assembling.is_cancellable());
        assert!(!Shipped.is_cancellable() && !Cancelled.is_cancellable());
    }
}
