//! The staff console (PRODUCT T1, SECURITY 28, 31–32): the shop's support, moderators and
//! admins, with their own accounts, sign-in (password + TOTP), sessions and an append-only
//! audit trail. The console's screens act through the capabilities that own the data
//! (`recovery` decides cases, `orders` moves orders, `certificates` issues, `rewards` decides
//! card applications); this module says who may do what and writes down that they did.

pub mod api;
pub mod cases;
pub mod customers;
pub mod http;
pub mod members;
pub mod orders;
pub mod pages;
pub mod returns;
pub mod reviews;
pub mod store;
pub mod tickets;
pub mod totp;
pub mod wares;

use crate::customers::{Actor, ActorKind};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::Serialize;

pub use members::{add, disable, enrol, enrol_confirm, set_role, sign_in, sign_out};

/// Staff sessions last 12 hours, and end after 30 idle minutes.
pub const SESSION_MS: i64 = 12 * 3_600_000;
pub const IDLE_MS: i64 = 30 * 60_000;
/// Enrolment links are valid 24 hours.
pub const ENROL_MS: i64 = 24 * 3_600_000;

/// What a member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Recovery cases, customers, orders, card applications.
    Support,
    /// Reviews.
    Moderator,
    /// Everything, and the staff itself, certificates and imports.
    Admin,
}

/// The parts of the console, each open to some roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    RecoveryCases,
    Customers,
    Orders,
    CardApplications,
    Reviews,
    Returns,
    Tickets,
    Certificates,
    Imports,
    Staff,
    Audit,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Support, Role::Moderator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn may(self, area: Area) -> bool {
        use Area::*;
        match self {
            Role::Admin => true,
            Role::Support => matches!(
                area,
                RecoveryCases | Customers | Orders | CardApplications | Returns | Tickets
            ),
            Role::Moderator => matches!(area, Reviews),
        }
    }
}

/// The signed-in staff member of a request, and where they act from.
#[derive(Debug, Clone)]
pub struct Staff {
    pub session_id: String,
    pub id: String,
    pub email: String,
    pub role: Role,
    pub ip: String,
    pub user_agent: String,
}

impl Staff {
    /// 403 `forbidden_role` unless the member's role opens `area`.
    pub fn require(&self, area: Area) -> AppResult<()> {
        if self.role.may(area) {
            Ok(())
        } else {
            Err(AppError::forbidden("forbidden_role"))
        }
    }

    /// The actor of a customer's security log row: the shop's staff, without their address
    /// (the audit trail keeps that).
    pub fn actor(&self) -> Actor {
        Actor {
            ip: String::new(),
            user_agent: String::new(),
            kind: ActorKind::Staff,
        }
    }
}

/// Writes one audit row: who, what, on what, when, from where. Every staff action calls it.
pub async fn audit(
    state: &AppState,
    staff: &Staff,
    action: &str,
    target: &str,
    detail: &str,
) -> AppResult<()> {
    let row = store::AuditRow {
        at: state.clock.now_ms(),
        staff_id: &staff.id,
        staff_email: &staff.email,
        action,
        target,
        detail: &detail.chars().take(500).collect::<String>(),
        ip: &staff.ip,
        user_agent: &staff.user_agent,
    };
    store::insert_audit(&state.db, &row).await?;
    Ok(())
}

/// An audit row as admins read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: String,
    /// The member's email.
    pub staff: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
    #[serde(skip)]
    pub at_ms: i64,
}

/// A page of the audit trail, newest first, and the cursor of the next.
pub async fn audit_page(
    state: &AppState,
    staff: &Staff,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<AuditEntry>, Option<String>)> {
    staff.require(Area::Audit)?;
    let start = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let rows = store::audit_page(&state.db, start, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.1, r.0.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|(_, at, staff, action, target, detail, ip)| AuditEntry {
            at: crate::clock::rfc3339(at),
            at_ms: at,
            staff,
            action,
            target,
            detail,
            ip,
        })
        .collect();
    Ok((items, next))
}

/// A search query as the audit trail keeps it: a phone or an email masked (the trail is read
/// by every admin and kept for good), a name or an order number as typed.
pub fn query_for_audit(q: &str) -> String {
    let q = q.trim();
    let digits = q.chars().filter(char::is_ascii_digit).count();
    if q.contains('@') || (digits >= 7 && !q.chars().all(|c| c.is_ascii_digit())) || digits >= 10 {
        mask_contact(&q.replace([' ', '(', ')', '-'], ""))
    } else {
        q.chars().take(100).collect()
    }
}

/// Contacts as support sees them before opening a customer: `+7 916 ***-**-67`, `i***@mail.ru`.
pub fn mask_contact(contact: &str) -> String {
    if let Some((user, domain)) = contact.split_once('@') {
        let first: String = user.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let digits: Vec<char> = contact.chars().collect();
    if digits.len() <= 4 {
        return "***".into();
    }
    let head: String = digits.iter().take(digits.len().min(5)).collect();
    let tail: String = digits[digits.len() - 2..].iter().collect();
    format!("{head} ***-**-{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_open_their_areas_only() {
        assert!(Role::Admin.may(Area::Staff));
        assert!(Role::Support.may(Area::RecoveryCases));
        assert!(Role::Support.may(Area::Orders));
        assert!(!Role::Support.may(Area::Certificates));
        assert!(!Role::Support.may(Area::Audit));
        assert!(!Role::Moderator.may(Area::Orders));
        assert!(Role::Moderator.may(Area::Reviews));
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn searched_contacts_are_masked_in_the_trail() {
        assert_eq!(query_for_audit("+7 (916) 123-45-67"), "+7916 ***-**-67");
        assert_eq!(query_for_audit("89161234567"), "89161 ***-**-67");
        assert_eq!(query_for_audit("ivan@mail.ru"), "i***@mail.ru");
        assert_eq!(query_for_audit("Иванова"), "Иванова");
        assert_eq!(query_for_audit("100023"), "100023");
    }

    #[test]
    fn contacts_are_masked() {
        assert_eq!(mask_contact("+79161234567"), "+7916 ***-**-67");
        assert_eq!(mask_contact("ivan@mail.ru"), "i***@mail.ru");
    }
}
