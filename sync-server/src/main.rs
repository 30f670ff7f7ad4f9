//! `steward-sync-server`: serve, administer, or seed a demo.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use steward_core::model::{Address, HouseholdProfile};
use steward_sync_server::storage::{PlaceKind, Role};
use steward_sync_server::throttle::{Bucket, Limits};
use steward_sync_server::{admin, demo, open_service, shutdown_signal, start, Config, EXAMPLE_CONFIG};
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "steward-sync-server", version, about = "红色管家 Red Steward sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DataArgs {
    /// Data directory (created on first run).
    #[arg(long = "data", env = "STEWARD_DATA", default_value = "steward-data")]
    data: PathBuf,
    /// A PostgreSQL database shared by several server nodes (postgres://user@host:port/db); without
    /// it the store is SQLite in the data directory.
    #[arg(long, env = "STEWARD_DATABASE")]
    database: Option<String>,
    /// The program's time zone.
    #[arg(long, env = "STEWARD_TIME_ZONE", default_value = steward_core::time::DEFAULT_TIME_ZONE)]
    time_zone: String,
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "STEWARD_LISTEN", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Largest sync upload, in bytes.
    #[arg(long, env = "STEWARD_MAX_BODY", default_value_t = steward_core::protocol::DEFAULT_MAX_BODY)]
    max_body: usize,
    /// Connections served at once; more wait in the accept queue.
    #[arg(long, env = "STEWARD_MAX_CONNECTIONS", default_value_t = Config::default().max_connections)]
    max_connections: usize,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, env = "STEWARD_HEADER_TIMEOUT_SECS", default_value_t = Config::default().header_read_timeout.as_secs())]
    header_timeout_secs: u64,
    /// Seconds a client may take to send a request's body.
    #[arg(long, env = "STEWARD_BODY_TIMEOUT_SECS", default_value_t = Config::default().body_read_timeout.as_secs())]
    body_timeout_secs: u64,
    /// Seconds a connection may stay open with no request in flight.
    #[arg(long, env = "STEWARD_IDLE_TIMEOUT_SECS", default_value_t = Config::default().idle_timeout.as_secs())]
    idle_timeout_secs: u64,
    /// Seconds a sync may be expected to wait for its turn before the answer is 503 with
    /// Retry-After (keep it under the phones' 60 s time-out).
    #[arg(long, env = "STEWARD_SYNC_QUEUE_BUDGET_SECS", default_value_t = Config::default().sync_queue_budget.as_secs())]
    sync_queue_budget_secs: u64,
    /// Sign-ins that may wait for a password check before the answer is 503.
    #[arg(long, env = "STEWARD_HASH_QUEUE", default_value_t = Config::default().hash_queue)]
    hash_queue: usize,
    /// Failed sign-ins an address may make at once ...
    #[arg(long, env = "STEWARD_LOGIN_ADDRESS_BURST", default_value_t = Limits::default().login_per_address.burst)]
    login_address_burst: u32,
    /// ... and the seconds until it may make one more.
    #[arg(long, env = "STEWARD_LOGIN_ADDRESS_REFILL_SECS", default_value_t = Limits::default().login_per_address.refill_every.as_secs())]
    login_address_refill_secs: u64,
    /// Wrong enrolment codes an address may send at once ...
    #[arg(long, env = "STEWARD_ENROL_ADDRESS_BURST", default_value_t = Limits::default().enrol_per_address.burst)]
    enrol_address_burst: u32,
    /// ... and the seconds until it may send one more.
    #[arg(long, env = "STEWARD_ENROL_ADDRESS_REFILL_SECS", default_value_t = Limits::default().enrol_per_address.refill_every.as_secs())]
    enrol_address_refill_secs: u64,
    /// Failed sign-ins in a row an account may have before it has to wait.
    #[arg(long, env = "STEWARD_LOGIN_FREE_FAILURES", default_value_t = Limits::default().login_free_failures)]
    login_free_failures: u32,
    /// Seconds of the first wait; it doubles with each further failure ...
    #[arg(long, env = "STEWARD_LOGIN_LOCKOUT_SECS", default_value_t = Limits::default().login_lockout.as_secs())]
    login_lockout_secs: u64,
    /// ... up to this many seconds.
    #[arg(long, env = "STEWARD_LOGIN_LOCKOUT_MAX_SECS", default_value_t = Limits::default().login_lockout_max.as_secs())]
    login_lockout_max_secs: u64,
    /// Addresses and accounts remembered by the attempt limits (each table).
    #[arg(long, env = "STEWARD_THROTTLE_MAX_ENTRIES", default_value_t = Limits::default().max_tracked)]
    throttle_max_entries: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Run the sync server.
    Serve {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Seed a realistic demo compound into an empty data directory and print how to use it.
    Demo {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        serve_args: ServeArgs,
        /// Start serving after seeding (or at once, if the directory is already seeded).
        #[arg(long)]
        serve: bool,
    },
    /// Print the example configuration.
    DefaultConfig,
    /// Print the HTTP API's OpenAPI document (as served at /v1/openapi.json); the console's typed
    /// client is generated from it (dashboard/openapi.json).
    Openapi,
    /// Copy the database to a file while the server runs (a consistent snapshot). To restore:
    /// stop the server, replace DIR/steward.sqlite3 with the copy (removing any
    /// steward.sqlite3-wal and -shm beside it), start the server; phones then reconcile what the
    /// copy lacks through the sync protocol.
    Backup {
        #[command(flatten)]
        data: DataArgs,
        /// The file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Copy an embedded store (DIR/steward.sqlite3) into an empty PostgreSQL database, every
    /// table as it is: devices go on syncing with the servers on PostgreSQL from their cursors.
    /// Stop the server first; keep the directory for the nodes' `--data` (its change journal).
    MigrateStorage {
        /// The data directory of the embedded store.
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL database (postgres://…), empty or new.
        #[arg(long)]
        to: String,
    },
    /// Administer places, accounts and households.
    Admin {
        #[command(flatten)]
        data: DataArgs,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a place: district > town > community > compound > building. Prints its id.
    CreatePlace {
        #[arg(long, value_parser = ["district", "town", "community", "compound", "building"])]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        parent: Option<Uuid>,
    },
    /// Create a steward in a compound. Prints the id.
    CreateSteward {
        #[arg(long)]
        compound: Uuid,
        #[arg(long)]
        name: String,
    },
    /// Create an admin, supervisor or property-company account. The password is read from the
    /// environment variable named by --password-env (default STEWARD_PASSWORD).
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["admin", "supervisor", "property"])]
        role: String,
        #[arg(long)]
        place: Option<Uuid>,
        #[arg(long, default_value = "STEWARD_PASSWORD")]
        password_env: String,
    },
    /// Create one household. Prints its id.
    CreateHousehold {
        #[arg(long)]
        compound: Uuid,
        #[arg(long)]
        steward: Option<Uuid>,
        #[arg(long)]
        building: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        room: String,
        #[arg(long)]
        head_name: String,
        #[arg(long, default_value_t = 1)]
        members: u32,
        #[arg(long)]
        phone: Option<String>,
    },
    /// Import households from a CSV file with the header
    /// building,unit,room,head_name,member_count,phone,party_member,key_service,notes,steward
    ImportHouseholds {
        #[arg(long)]
        compound: Uuid,
        #[arg(long)]
        file: PathBuf,
    },
    /// Issue a one-time enrolment code for a steward's phone.
    EnrolCode {
        #[arg(long)]
        steward: Uuid,
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
    /// List places and stewards.
    List,
    /// Merge a document's stored changes into a new snapshot.
    Compact {
        #[arg(long)]
        doc: Uuid,
    },
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("STEWARD_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    // A panic that `gate::guard` catches (crafted input reaching Automerge) is answered 400; it
    // is logged as one line, without the default hook's backtrace, so crafted requests cannot
    // flood the log.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        tracing::error!(%location, "panic: {message}");
    }));
}

fn data_config(data: &DataArgs) -> Config {
    Config {
        data_dir: data.data.clone(),
        database: data.database.clone(),
        time_zone: data.time_zone.clone(),
        ..Default::default()
    }
}

fn config(data: &DataArgs, serve: &ServeArgs) -> Config {
    let secs = Duration::from_secs;
    Config {
        listen: serve.listen,
        data_dir: data.data.clone(),
        database: data.database.clone(),
        time_zone: data.time_zone.clone(),
        max_body_bytes: serve.max_body,
        max_connections: serve.max_connections,
        header_read_timeout: secs(serve.header_timeout_secs.max(1)),
        body_read_timeout: secs(serve.body_timeout_secs.max(1)),
        idle_timeout: secs(serve.idle_timeout_secs.max(1)),
        hash_queue: serve.hash_queue,
        sync_queue_budget: secs(serve.sync_queue_budget_secs.max(1)),
        throttle: Limits {
            login_per_address: Bucket {
                burst: serve.login_address_burst,
                refill_every: secs(serve.login_address_refill_secs),
            },
            enrol_per_address: Bucket {
                burst: serve.enrol_address_burst,
                refill_every: secs(serve.enrol_address_refill_secs),
            },
            login_free_failures: serve.login_free_failures,
            login_lockout: secs(serve.login_lockout_secs),
            login_lockout_max: secs(serve.login_lockout_max_secs),
            max_tracked: serve.throttle_max_entries,
        },
        ..Default::default()
    }
}

async fn run_server(config: Config) -> anyhow::Result<()> {
    let running = start(config.clone()).await?;
    let store = match &config.database {
        Some(url) => steward_sync_server::redact_url(url),
        None => config.data_dir.display().to_string(),
    };
    tracing::info!(addr = %running.addr, data = %store, "serving");
    eprintln!("steward-sync-server listening on http://{} (data in {store})", running.addr);
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // glibc gives every thread that allocates its own heap arena and keeps what is freed in it:
    // with the blocking pool's many threads each building a report or an export in turn, the
    // server's resident memory grew to several times what any request held (the district
    // benchmark: ~240 MiB retained after a few reports). Two arenas keep it near the live data.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first in main, before any other thread exists; mallopt only sets a limit.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
    let cli = Cli::parse();
    init_tracing();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        Command::DefaultConfig => print!("{EXAMPLE_CONFIG}"),
        Command::Openapi => println!("{}", steward_sync_server::api::openapi_document()),
        Command::Serve { data, serve } => rt.block_on(run_server(config(&data, &serve)))?,
        Command::Backup { data, to } => {
            let cfg = data_config(&data);
            let s = open_service(&cfg)?;
            s.storage().backup(&to).map_err(|e| anyhow::anyhow!("backup to {}: {e}", to.display()))?;
            println!("backed up {} to {}", data.data.display(), to.display());
        }
        Command::MigrateStorage { from, to } => {
            let copied = steward_sync_server::migrate::sqlite_to_postgres(&from, &to)
                .map_err(|e| anyhow::anyhow!("migrate-storage: {e}"))?;
            for (table, rows) in &copied {
                println!("{table:<24} {rows:>9} rows");
            }
            println!("copied {} to {}", from.display(), steward_sync_server::redact_url(&to));
        }
        Command::Demo { data, serve_args, serve } => {
            let cfg = config(&data, &serve_args);
            let service = open_service(&cfg)?;
            match demo::seed(&service) {
                Ok(d) => println!("{}", demo::instructions(&d, &serve_args.listen.to_string())),
                Err(steward_sync_server::service::ServiceError::Conflict(m)) if serve => {
                    eprintln!(
                        "{m}; serving it as it is.\nSupervisor sign-in: {} / {}. New enrolment codes: \
                         steward-sync-server admin --data {} list, then admin enrol-code --steward ID",
                        demo::SUPERVISOR.0,
                        demo::SUPERVISOR.1,
                        data.data.display()
                    )
                }
                Err(e) => return Err(anyhow::anyhow!("{e}")),
            }
            drop(service);
            if serve {
                rt.block_on(run_server(cfg))?;
            }
        }
        Command::Admin { data, command } => {
            let cfg = data_config(&data);
            let s = open_service(&cfg)?;
            let e = |e: steward_sync_server::service::ServiceError| anyhow::anyhow!("{e}");
            match command {
                AdminCommand::CreatePlace { kind, name, parent } => {
                    let kind = PlaceKind::from_code(&kind).context("unknown place kind")?;
                    println!("{}", admin::create_place(&s, kind, &name, parent).map_err(e)?.id);
                }
                AdminCommand::CreateSteward { compound, name } => {
                    println!("{}", admin::create_steward(&s, compound, &name).map_err(e)?.id)
                }
                AdminCommand::CreateUser { username, role, place, password_env } => {
                    let password = std::env::var(&password_env)
                        .with_context(|| format!("set the password in the environment variable {password_env}"))?;
                    let role = Role::from_code(&role).context("unknown role")?;
                    println!("{}", admin::create_user(&s, &username, &password, role, place).map_err(e)?.id);
                }
                AdminCommand::CreateHousehold {
                    compound,
                    steward,
                    building,
                    unit,
                    room,
                    head_name,
                    members,
                    phone,
                } => {
                    let profile = HouseholdProfile {
                        address: Address { building, unit, room },
                        head_name,
                        member_count: members,
                        phone,
                        ..Default::default()
                    };
                    println!("{}", admin::create_household(&s, compound, steward, profile).map_err(e)?);
                }
                AdminCommand::ImportHouseholds { compound, file } => {
                    let f = std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
                    let ids = admin::import_households(&s, compound, f).map_err(e)?;
                    println!("imported {} households", ids.len());
                }
                AdminCommand::EnrolCode { steward, days } => {
                    println!("{}", admin::issue_enrolment_code(&s, steward, days).map_err(e)?)
                }
                AdminCommand::List => {
                    for p in s.storage().places()? {
                        println!(
                            "{:<9} {}  {}  parent={}",
                            p.kind.as_code(),
                            p.id,
                            p.name,
                            p.parent_id.map(|x| x.to_string()).unwrap_or_default()
                        );
                    }
                    for st in s.storage().stewards(None)? {
                        println!("steward   {}  {}  compound={}", st.id, st.name, st.compound_id);
                    }
                }
                AdminCommand::Compact { doc } => {
                    let c = s.storage().compact(doc)?;
                    println!("merged {} increments; snapshot is {} bytes", c.merged_increments, c.snapshot_bytes);
                }
            }
        }
    }
    Ok(())
}
