//! The ceiling for bench/run.py: a bare axum server answering static JSON, no middleware and no
//! database, on the same runtime and allocator as Kabinet. Kabinet's workloads are reported as a
//! share of its req/s (`python3 bench/run.py` builds nothing; `cargo build --release --example
//! ceiling` first).
//!
//!     target/release/examples/ceiling 127.0.0.1:8099

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".into());
    let app = axum::Router::new().route(
        "/healthz",
        axum::routing::get(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                r#"{"status":"ok"}"#,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
