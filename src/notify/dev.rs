//! The dev outbox: messages kept in memory (never in the database) and printed to the console.

use super::Message;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DevItem {
    pub channel: String,
    pub to: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    pub at: String,
}

/// Bounded: the oldest recipients are forgotten first.
#[derive(Default)]
pub struct DevOutbox {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_to: HashMap<String, Vec<DevItem>>,
    order: VecDeque<String>,
}

const MAX_RECIPIENTS: usize = 20_000;
const MAX_PER_RECIPIENT: usize = 50;

impl DevOutbox {
    pub fn record(&self, msg: &Message, at_ms: i64) {
        tracing::info!(
            target: "kabinet::dev_outbox",
            channel = msg.channel.as_str(),
            to = %msg.to,
            code = msg.code.as_deref().unwrap_or(""),
            "{}",
            msg.text
        );
        self.push(DevItem {
            channel: msg.channel.as_str().to_owned(),
            to: msg.to.clone(),
            text: msg.text.clone(),
            code: msg.code.clone(),
            link: msg.link.clone(),
            at: crate::clock::rfc3339(at_ms),
        });
    }

    pub fn push(&self, item: DevItem) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let key = item.to.clone();
        let list = g.by_to.entry(key.clone()).or_default();
        let fresh = list.is_empty();
        list.push(item);
        if list.len() > MAX_PER_RECIPIENT {
            list.remove(0);
        }
        if fresh {
            g.order.push_back(key);
            if g.order.len() > MAX_RECIPIENTS
                && let Some(old) = g.order.pop_front()
            {
                g.by_to.remove(&old);
            }
        }
    }

    pub fn for_recipient(&self, to: &str) -> Vec<DevItem> {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.by_to.get(to).cloned().unwrap_or_default()
    }
}
