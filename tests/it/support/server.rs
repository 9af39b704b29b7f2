//! The real `kabinet` binary as a child process on the suite's backend, for what only a
//! process shows: a crash, a signal, a command run beside a live server.

use std::process::{Child, Command, Stdio};

pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// `kabinet serve` on `database_url` with the demo data (500 pickup points), the dev outbox
    /// and a high per-address cap, plus `env`; returns once it answers `/healthz`.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_kabinet"));
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("KABINET_ADDR", format!("127.0.0.1:{port}"))
            .env("KABINET_DATABASE_URL", database_url)
            .env("KABINET_SECRET", "crash-test-secret-crash-test-secret!!")
            .env("KABINET_DEV_OUTBOX", "1")
            .env("KABINET_DEMO", "yes")
            .env("KABINET_DEMO_PICKUP_POINTS", "500")
            .env("KABINET_LIMITS__IP_PER_HOUR", "100000")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("kabinet starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = super::client();
        // Wait until it answers (bounded: a first start writes the demo data).
        for _ in 0..600 {
            if let Ok(r) = client.get(format!("{base}/healthz")).send().await
                && r.status() == 200
            {
                return Server { child, base };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("kabinet did not start on {base}");
    }

    /// SIGKILL: no graceful shutdown, transactions cut wherever they are.
    pub fn kill(self) {}

    /// SIGTERM, as systemd or a container runtime stops a service.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
