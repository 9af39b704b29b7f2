//! `kabinet` — serve (default), migrate, seed, import data, move orders along.

use clap::{Parser, Subcommand};
use kabinet::app::Application;
use kabinet::config::Config;

/// mimalloc: allocation is a sixth of a signed-in request's CPU with the system allocator.
/// Built with `no_thp`: left to ask for transparent huge pages, it kept ~26 MB of the resting
/// 71 MB in 2 MiB pages that one live object pins (release build, 100 000-point demo: 71 → 55 MB).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kabinet",
    version,
    about = "Customer account service for online marketplaces"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site and the API (the default).
    Serve {
        /// Do not fill an empty database with demo data.
        #[arg(long)]
        no_demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Copy the SQLite database to FILE (a new file) while the server keeps serving: one
    /// consistent snapshot, ready to start a server on. PostgreSQL: use pg_dump (README).
    Backup { file: std::path::PathBuf },
    /// Fill the database with many customers and orders, fast (for benchmarks).
    Seed {
        #[arg(long, default_value_t = 100_000)]
        customers: u64,
        #[arg(long, default_value_t = 1_000_000)]
        orders: u64,
    },
    /// The catalogue: import a shop's own products.
    Catalog {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Pickup points and parcel lockers: import a shop's own network.
    #[command(name = "pickup-points")]
    PickupPoints {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Orders: move one along, by the staff console's rules.
    Orders {
        #[command(subcommand)]
        command: OrdersCommand,
    },
    /// Gift certificates (admins also issue them in the staff console).
    Certificates {
        #[command(subcommand)]
        command: CertificatesCommand,
    },
    /// The staff console's members.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Co-branded card applications (the staff console decides them too).
    Cobrand {
        #[command(subcommand)]
        command: CobrandCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Add or update rows from a JSON array or a CSV file (see README: Importing data).
    Import { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum OrdersCommand {
    /// Move an order along: paid, assembling, shipped, ready_for_pickup, received or cancelled.
    Advance { number: String, status: String },
}

#[derive(Subcommand)]
enum CertificatesCommand {
    /// Issue certificates: one line each, `XXXX-XXXX-XXXX-XXXX<TAB>code word` (only hashes are
    /// stored: these lines are the only copy). Valid 3 years.
    Issue {
        /// Face value in whole roubles.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        value: u32,
        /// How many.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        count: u32,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a member: prints a one-time enrolment link (24 h), also emailed to them. The way to
    /// create the first admin of a fresh install.
    Add {
        email: String,
        #[arg(long, value_parser = ["support", "moderator", "admin"])]
        role: String,
    },
}

#[derive(Subcommand)]
enum CobrandCommand {
    /// Approve (the customer becomes platinum at once) or reject an application.
    Decide {
        id: String,
        #[arg(value_parser = ["approve", "reject"])]
        decision: String,
    },
}

/// Errors end the process with one line naming what is wrong, exit code 1 (PRODUCT §5).
fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kabinet: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kabinet: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load()?;
    let command = cli.command.unwrap_or(Command::Serve { no_demo: false });
    if !matches!(command, Command::Serve { .. }) {
        // A one-off command serves nothing: no metrics listener (the server's may be running).
        config.metrics_addr = None;
    }
    // The seeder's statements are slow on purpose (100 000 rows each): no slow-query warnings.
    // Issued certificates are the command's output: its logs go to stderr.
    init_logs(
        &config,
        matches!(command, Command::Seed { .. }),
        matches!(
            command,
            Command::Certificates { .. } | Command::Staff { .. }
        ),
    );
    match command {
        Command::Migrate => {
            let db = kabinet::db::connect(&config.database_url, 1).await?;
            kabinet::db::migrate(&db).await?;
            tracing::info!("migrations applied");
        }
        Command::Backup { file } => {
            let url = config.database_url.clone();
            let started = std::time::Instant::now();
            let dest = file.clone();
            let bytes =
                tokio::task::spawn_blocking(move || kabinet::db::backup::sqlite(&url, &dest))
                    .await??;
            println!(
                "backed up {bytes} bytes to {} in {:.1} s",
                file.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Seed { customers, orders } => {
            // The catalogue comes from the demo data; a one-off command takes no server port.
            config.addr = "127.0.0.1:0".into();
            let app = Application::build(config).await?;
            let now = kabinet::clock::Clock::now_ms(&kabinet::clock::SystemClock);
            let (rows, secs) = kabinet::seed::run(&app.state.db, customers, orders, now).await?;
            println!(
                "seeded {rows} rows in {secs:.1} s ({:.0} rows/s)",
                rows as f64 / secs.max(0.001)
            );
        }
        Command::Catalog {
            command: ImportCommand::Import { file },
        } => {
            let db = kabinet::db::connect(&config.database_url, 1).await?;
            kabinet::db::migrate(&db).await?;
            let now = kabinet::clock::Clock::now_ms(&kabinet::clock::SystemClock);
            let n = kabinet::catalog::import::run(&db, &file, now).await?;
            println!("imported {n} products from {}", file.display());
        }
        Command::PickupPoints {
            command: ImportCommand::Import { file },
        } => {
            let db = kabinet::db::connect(&config.database_url, 1).await?;
            kabinet::db::migrate(&db).await?;
            let n = kabinet::delivery::import::run(&db, &file).await?;
            println!(
                "imported {n} pickup points from {} (running servers reload within a minute)",
                file.display()
            );
        }
        Command::Orders {
            command: OrdersCommand::Advance { number, status },
        } => {
            config.demo = Some(false);
            // A one-off command must not take the server's port.
            config.addr = "127.0.0.1:0".into();
            let app = Application::build(config).await?;
            // The console's rule: only the next step, or cancelled before shipping; the
            // customer is told.
            let moved = kabinet::orders::advance(&app.state, &number, &status)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {}",
                        e.code,
                        kabinet::web::error_message(kabinet::i18n::Locale::En, &e)
                    )
                })?;
            println!("order {number}: {} → {}", moved.from, moved.to);
        }
        Command::Certificates {
            command: CertificatesCommand::Issue { value, count },
        } => {
            config.demo = Some(false);
            // A one-off command must not take the server's port.
            config.addr = "127.0.0.1:0".into();
            let app = Application::build(config).await?;
            let now = kabinet::clock::Clock::now_ms(&*app.state.clock);
            let issued = kabinet::certificates::issue(
                &app.state.db,
                &app.state.keys.certificates,
                kabinet::domain::money::Kopecks::roubles(i64::from(value)),
                count,
                now,
            )
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}: {}",
                    e.code,
                    kabinet::web::error_message(kabinet::i18n::Locale::En, &e)
                )
            })?;
            let mut out = String::new();
            for c in &issued {
                out.push_str(&c.number.display());
                out.push('\t');
                out.push_str(c.code_word.as_str());
                out.push('\n');
            }
            print!("{out}");
        }
        Command::Staff {
            command: StaffCommand::Add { email, role },
        } => {
            config.demo = Some(false);
            // The link is the server's address, not this command's.
            config.base_url = Some(config.base_url());
            // A one-off command must not take the server's port.
            config.addr = "127.0.0.1:0".into();
            let app = Application::build(config).await?;
            let role = kabinet::staff::Role::parse(&role)
                .ok_or_else(|| anyhow::anyhow!("the role is support, moderator or admin"))?;
            let link = kabinet::staff::add(&app.state, &email, role, kabinet::i18n::Locale::Ru)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {}",
                        e.code,
                        kabinet::web::error_message(kabinet::i18n::Locale::En, &e)
                    )
                })?;
            // Sent now; if the mail server is down, a running server's sender retries it.
            if let Err(e) = app.deliver_outbox().await {
                eprintln!("kabinet: the email waits in the outbox: {e:#}");
            }
            println!("{link}");
        }
        Command::Cobrand {
            command: CobrandCommand::Decide { id, decision },
        } => {
            config.demo = Some(false);
            // A one-off command must not take the server's port.
            config.addr = "127.0.0.1:0".into();
            let app = Application::build(config).await?;
            let decision = kabinet::rewards::Decision::parse(&decision)
                .ok_or_else(|| anyhow::anyhow!("the decision is approve or reject"))?;
            let status = kabinet::rewards::decide(&app.state, &id, decision)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {}",
                        e.code,
                        kabinet::web::error_message(kabinet::i18n::Locale::En, &e)
                    )
                })?;
            println!("application {id}: {}", status.as_str());
        }
        Command::Serve { no_demo } => {
            if no_demo {
                config.demo = Some(false);
            }
            let dev = config.dev_outbox_on();
            let app = Application::build(config).await?;
            tracing::info!(addr = %app.local_addr(), node = %app.state.node, dev_outbox = dev, "Kabinet is listening on http://{}", app.local_addr());
            app.run_until(shutdown_signal()).await?;
            tracing::info!("stopped");
        }
    }
    Ok(())
}

/// Text or JSON lines (`KABINET_LOG_FORMAT`), filtered by `RUST_LOG`. Lines written while a
/// request is served carry its span: the node, method, route and request id (in JSON under
/// `span` and `spans`). With metrics on, a second layer times sqlx's statements whatever the
/// filter says.
fn init_logs(config: &Config, quiet_sql: bool, to_stderr: bool) {
    use tracing_subscriber::fmt::writer::BoxMakeWriter;
    use tracing_subscriber::{Layer, layer::SubscriberExt, util::SubscriberInitExt};
    let default = if quiet_sql {
        "info,sqlx=error"
    } else {
        "info,sqlx=warn,tower_http=info"
    };
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default.into());
    let colours = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let writer = if to_stderr {
        BoxMakeWriter::new(std::io::stderr)
    } else {
        BoxMakeWriter::new(std::io::stdout)
    };
    let lines = tracing_subscriber::fmt::layer().with_writer(writer);
    let lines = if config.log_format == "json" {
        lines.json().boxed()
    } else {
        lines.with_ansi(colours).boxed()
    };
    let queries = config
        .metrics_addr
        .is_some()
        .then(|| kabinet::telemetry::QueryTimes.with_filter(kabinet::telemetry::query_events()));
    tracing_subscriber::registry()
        .with(lines.with_filter(filter))
        .with(queries)
        .init();
}

/// SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
