//! The sandbox fiscal operator: registers receipts on one fiscal drive (ФН), numbering its
//! documents (ФД) and signing each with a 10-digit fiscal sign (ФП). Its books live in
//! `sandbox_fiscal`; a real operator keeps them on its side of an HTTP API.

use super::store;
use super::{Answer, Fiscal, FiscalOperator, Receipt};
use crate::db::Db;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The sandbox's fiscal drive.
pub const DRIVE: &str = "9999078900012345";

pub struct Sandbox {
    db: Db,
    clock: Arc<dyn crate::clock::Clock>,
}

impl Sandbox {
    pub fn new(db: Db, clock: Arc<dyn crate::clock::Clock>) -> Self {
        Sandbox { db, clock }
    }
}

/// The fiscal sign of a document: 10 digits that depend on everything the receipt says.
pub fn sign(drive: &str, fd: i64, r: &Receipt) -> String {
    let mut h = Sha256::new();
    h.update(format!(
        "{drive}|{fd}|{}|{}|{}|{}",
        r.id,
        r.kind.as_str(),
        r.at,
        r.total
    ));
    let d = h.finalize();
    let n = u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
    format!("{:010}", n % 10_000_000_000)
}

impl FiscalOperator for Sandbox {
    fn register<'a>(&'a self, receipt: &'a Receipt) -> Answer<'a, Fiscal> {
        Box::pin(async move {
            let now = self.clock.now_ms();
            let fiscal = crate::db::retrying(|| async {
                let mut tx = crate::db::begin_write(&self.db).await?;
                if let Some(f) = store::sandbox_registered(&mut tx, &receipt.id).await? {
                    tx.rollback().await?;
                    return Ok::<_, sqlx::Error>(f);
                }
                let fd = store::sandbox_next_fd(&mut tx, DRIVE).await?;
                let f = Fiscal {
                    fn_: DRIVE.to_owned(),
                    fd,
                    fp: sign(DRIVE, fd, receipt),
                };
                // A racing registration of the same receipt may have won: its answer stands.
                store::sandbox_register(&mut tx, &receipt.id, &f, now).await?;
                let f = store::sandbox_registered(&mut tx, &receipt.id)
                    .await?
                    .unwrap_or(f);
                tx.commit().await?;
                Ok(f)
            })
            .await?;
            Ok(fiscal)
        })
    }
}
