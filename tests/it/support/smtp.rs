//! A real SMTP server (mailin-embedded) on 127.0.0.1:0 that hands every message to the test.

use mailin_embedded::{Handler, Response, Server, response};
use std::sync::mpsc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
struct Collect {
    tx: mpsc::Sender<Mail>,
    to: Vec<String>,
    buf: Vec<u8>,
}

impl Handler for Collect {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.buf.clear();
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let _ = self.tx.send(Mail {
            to: self.to.clone(),
            data: String::from_utf8_lossy(&self.buf).into_owned(),
        });
        response::OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    rx: mpsc::Receiver<Mail>,
}

impl SmtpServer {
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let (tx, rx) = mpsc::channel();
        let mut server = Server::new(Collect {
            tx,
            to: Vec::new(),
            buf: Vec::new(),
        });
        server
            .with_name("smtp.test")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, rx }
    }

    /// The next delivered message (waits for the delivery, up to 10 s).
    pub fn next(&self) -> Mail {
        self.rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a message reaches the SMTP server")
    }
}
