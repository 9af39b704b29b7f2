//! A local HTTP server playing an SMS/voice gateway: records each request's form parameters
//! and answers with a scripted status.

use axum::Router;
use axum::extract::{Form, State};
use axum::routing::post;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

pub type Params = HashMap<String, String>;

#[derive(Clone)]
struct Gateway {
    tx: mpsc::UnboundedSender<Params>,
    /// Answers to give, in order; when empty, `{"status":"OK"}`.
    script: Arc<Mutex<Vec<(u16, String)>>>,
}

pub struct SmsGateway {
    pub url: String,
    rx: mpsc::UnboundedReceiver<Params>,
    script: Arc<Mutex<Vec<(u16, String)>>>,
}

async fn receive(
    State(g): State<Gateway>,
    Form(p): Form<Params>,
) -> (axum::http::StatusCode, String) {
    let _ = g.tx.send(p);
    let next = {
        let mut s = g.script.lock().unwrap();
        if s.is_empty() {
            None
        } else {
            Some(s.remove(0))
        }
    };
    let (status, body) = next.unwrap_or((200, r#"{"status":"OK","status_code":100}"#.into()));
    (axum::http::StatusCode::from_u16(status).unwrap(), body)
}

impl SmsGateway {
    pub async fn start() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let script = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/sms/send", post(receive))
            .route("/call/send", post(receive))
            .with_state(Gateway {
                tx,
                script: script.clone(),
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, rx, script }
    }

    /// Makes the next answers fail (or anything else) in order.
    pub fn answer_next(&self, status: u16, body: &str) {
        self.script.lock().unwrap().push((status, body.to_owned()));
    }

    /// The next request the gateway received (waits up to 10 s).
    pub async fn next(&mut self) -> Params {
        tokio::time::timeout(std::time::Duration::from_secs(10), self.rx.recv())
            .await
            .expect("the gateway is called")
            .expect("gateway open")
    }

    pub fn nothing_received(&mut self) -> bool {
        self.rx.try_recv().is_err()
    }
}
