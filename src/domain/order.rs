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

    /// The one step an order on its way may take next: paid → assembling → shipped → ready
    /// for pickup (pickup points and parcel lockers) or received (courier) → received. None for
    /// an order waiting for payment (paying moves it, not staff) or a finished one.
    /// `delivery_method` is the order's stored method (`courier`, `pickup_point`,
    /// `parcel_locker`).
    pub fn next(self, delivery_method: &str) -> Option<OrderStatus> {
        use OrderStatus::*;
        match self {
            Paid => Some(Assembling),
            Assembling => Some(Shipped),
            Shipped if delivery_method == "courier" => Some(Received),
            Shipped => Some(ReadyForPickup),
            ReadyForPickup => Some(Received),
            AwaitingPayment | Received | Cancelled => None,
        }
    }

    /// Staff moves: only the next step ([`Self::next`]), or cancelled before the order ships
    /// ([`Self::is_cancellable`]). Never back, never a step skipped, never out of a finished
    /// order (a cancelled order moved on and cancelled again would give its stock and bonuses
    /// back twice).
    pub fn can_move_to(self, to: OrderStatus, delivery_method: &str) -> bool {
        if to == OrderStatus::Cancelled {
            self.is_cancellable()
        } else {
            self.next(delivery_method) == Some(to)
        }
    }

    /// The moves staff may make now, the next step first.
    pub fn moves(self, delivery_method: &str) -> Vec<OrderStatus> {
        let mut out: Vec<_> = self.next(delivery_method).into_iter().collect();
        if self.is_cancellable() {
            out.push(OrderStatus::Cancelled);
        }
        out
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
    fn orders_move_one_step_at_a_time_and_finished_ones_not_at_all() {
        assert_eq!(Paid.next("pickup_point"), Some(Assembling));
        assert_eq!(Assembling.next("courier"), Some(Shipped));
        assert_eq!(Shipped.next("pickup_point"), Some(ReadyForPickup));
        assert_eq!(Shipped.next("parcel_locker"), Some(ReadyForPickup));
        assert_eq!(Shipped.next("courier"), Some(Received));
        assert_eq!(ReadyForPickup.next("pickup_point"), Some(Received));
        for s in [AwaitingPayment, Received, Cancelled] {
            assert_eq!(s.next("courier"), None, "{s}");
        }
        assert!(Paid.can_move_to(Assembling, "courier"));
        assert!(!Paid.can_move_to(Received, "courier"), "no skipping");
        assert!(!Paid.can_move_to(Shipped, "courier"), "no skipping");
        assert!(!Shipped.can_move_to(ReadyForPickup, "courier"));
        assert!(!Shipped.can_move_to(Paid, "courier"), "never back");
        assert!(!Received.can_move_to(Cancelled, "courier"));
        assert!(!Cancelled.can_move_to(Shipped, "courier"));
        assert!(!Paid.can_move_to(AwaitingPayment, "courier"));
        assert!(
            !AwaitingPayment.can_move_to(Paid, "courier"),
            "paying moves it"
        );
        assert!(!Paid.can_move_to(Paid, "courier"));
        assert!(Assembling.can_move_to(Cancelled, "courier"));
        assert!(!Shipped.can_move_to(Cancelled, "pickup_point"));
        assert_eq!(Paid.moves("courier"), vec![Assembling, Cancelled]);
        assert_eq!(Shipped.moves("courier"), vec![Received]);
        assert_eq!(AwaitingPayment.moves("courier"), vec![Cancelled]);
        assert!(Received.moves("courier").is_empty());
        assert!(AwaitingPayment.is_cancellable() && Assembling.is_cancellable());
        assert!(!Shipped.is_cancellable() && !Cancelled.is_cancellable());
    }
}
