//! Who acts: the customer, the shop's staff or Kabinet itself, and from where.

/// Who did something and from where, for the security log (SECURITY 32).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub ip: String,
    pub user_agent: String,
    pub kind: ActorKind,
}

/// Whose hand an event is: the customer (or whoever holds their session or contact), the
/// shop's staff, or Kabinet itself (housekeeping, reconciliation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActorKind {
    #[default]
    Customer,
    Staff,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Customer => "customer",
            ActorKind::Staff => "staff",
            ActorKind::System => "system",
        }
    }
}
