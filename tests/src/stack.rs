use crate::http::{Client, Reply};
use crate::paths::{project_root, tool_env};
use crate::wrangler_config;
use serde_json::Value;
use sfcc_clerk_sandbox::{RunningSandbox, RunningStorefront, SandboxConfig};
use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// The admin token the harness gives the worker.
pub const ADMIN_TOKEN: &str = "local-admin-token-of-the-sandbox-stack";

/// The stack's QA token (`QA_TOKEN`): turns QA mode on, and opens nothing else.
pub const QA_TOKEN: &str = "local-qa-token-of-the-sandbox-stack-01";

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    /// A tool or build output is missing.
    #[error("{0}")]
    Missing(String),
    /// An I/O failure while starting.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// The worker's runtime could not bind a port another process took first (free ports are
    /// picked, then bound by wrangler: another stack may bind one in between).
    #[error("a port was taken: {0}")]
    PortTaken(String),
    /// A step failed; the text holds its output.
    #[error("{0}")]
    Failed(String),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> StackError {
    let what = what.into();
    move |source| StackError::Io { what, source }
}

/// How to start the stack.
#[derive(Debug, Clone)]
pub struct StackOptions {
    /// Products per catalog page job (small values exercise paging over the queue).
    pub page_size: u32,
    /// Worker port; 0 picks a free one.
    pub worker_port: u16,
    /// Sandbox port; 0 picks a free one.
    pub sandbox_port: u16,
    /// The catalog sandbox SFCC serves.
    pub catalog: sfcc_clerk_sandbox::sfcc::CatalogSpec,
    /// Generated customers in sandbox SFCC's customer list, after its three samples.
    pub generated_customers: u64,
    /// The worker's deadline for outbound calls (`HTTP_TIMEOUT_MS`); its default when `None`.
    pub http_timeout_ms: Option<u64>,
    /// `CONSENT_MODE` (`strict` or `anonymous`); the worker's default when `None`.
    pub consent_mode: Option<&'static str>,
    /// SQL run on the worker's local D1 after its migrations and before it starts (records
    /// a test needs to find there, e.g. old ones).
    pub seed_sql: Option<String>,
    /// Further worker vars, e.g. the retry policy (`RETRY_MAX_ATTEMPTS`, `RETRY_BASE_S`,
    /// `RETRY_MAX_S`).
    pub vars: Vec<(&'static str, String)>,
    /// Whether the worker consumes its events queue. Without, events pile up in the local queue:
    /// for measuring ingest alone.
    pub event_consumer: bool,
    /// Whether `wrangler dev` runs with `--test-scheduled` (cron through `/__scheduled`). It
    /// wraps every request in a middleware of wrangler's own; the bench measures without it.
    pub test_scheduled: bool,
    /// The organization id the worker reads orders from SFCC with (`SCAPI_ORGANIZATION_ID`,
    /// `SCAPI_BASE_URL` the sandbox's); by default the sandbox's own. Without, sales come from
    /// the confirmation page's markup.
    pub scapi: Option<&'static str>,
}

impl Default for StackOptions {
    fn default() -> Self {
        Self {
            page_size: 2,
            worker_port: 0,
            sandbox_port: 0,
            catalog: Default::default(),
            generated_customers: 0,
            http_timeout_ms: None,
            consent_mode: None,
            seed_sql: None,
            vars: Vec::new(),
            event_consumer: true,
            test_scheduled: true,
            scapi: Some(sfcc_clerk_sandbox::sfcc::ORGANIZATION_ID),
        }
    }
}

/// A store of `config/sfcc-clerk.toml` as the stack sets it up.
#[derive(Debug, Clone)]
pub struct ConfiguredStore {
    /// The store's name, e.g. `refarch-us`.
    pub name: String,
    /// Its Clerk public key, the sandbox Clerk store's key.
    pub public_key: String,
    /// The private key sandbox Clerk expects for it.
    pub private_key: String,
    /// The worker secret that carries the private key (`private_key_secret`).
    pub secret: String,
}

/// The stores of `config/sfcc-clerk.toml`, the configuration the worker is built with.
fn configured_stores(root: &Path) -> Result<Vec<ConfiguredStore>, StackError> {
    let path = root.join("config/sfcc-clerk.toml");
    let text = fs::read_to_string(&path).map_err(io(format!("reading {}", path.display())))?;
    let config = sfcc_clerk_core::config::ConnectorConfig::from_toml(&text)
        .map_err(|e| StackError::Failed(format!("{}: {e}", path.display())))?;
    if config.stores.is_empty() {
        return Err(StackError::Failed(format!(
            "{} has no store",
            path.display()
        )));
    }
    Ok(config
        .stores
        .into_iter()
        .map(|s| ConfiguredStore {
            private_key: s.clerk_public_key.replace("public", "private"),
            public_key: s.clerk_public_key,
            secret: s.private_key_secret,
            name: s.name,
        })
        .collect())
}

/// The sandbox and the worker under `wrangler dev`, stopped (the wrangler process group we
/// started, and the sandbox thread) when dropped.
pub struct Stack {
    /// The running sandbox.
    pub sandbox: RunningSandbox,
    /// The sandbox storefront, the origin the worker proxies (`ORIGIN_URL`).
    pub storefront: RunningStorefront,
    /// The worker's base URL.
    pub worker_url: String,
    /// Clerk public key of the worker's first store (`refarch-us`).
    pub clerk_key: String,
    /// The worker's stores, as in `config/sfcc-clerk.toml`.
    pub stores: Vec<ConfiguredStore>,
    /// HTTP client.
    pub client: Client,
    /// Where wrangler's output goes.
    pub log_path: PathBuf,
    wrangler: Child,
    launch: Launch,
    state_dir: PathBuf,
}

/// How `wrangler dev` is started, kept to start it again on the same state.
struct Launch {
    wrangler_bin: PathBuf,
    config: PathBuf,
    port: u16,
    test_scheduled: bool,
    /// The worker isolate's inspector (Chrome DevTools protocol), for `bench/inspect.mjs`.
    inspector: u16,
    persist: PathBuf,
    env_file: PathBuf,
    log_path: PathBuf,
}

impl Launch {
    /// Starts `wrangler dev` in a process group of its own, its output appended to the log.
    fn spawn(&self) -> Result<Child, StackError> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .map_err(io("opening the wrangler log"))?;
        let log_err = log.try_clone().map_err(io("opening the wrangler log"))?;
        Command::new(&self.wrangler_bin)
            .current_dir(project_root())
            .envs(tool_env())
            .env("SFCC_CLERK_PREBUILT", "1")
            .arg("--config")
            .arg(&self.config)
            .args([
                "dev",
                "--ip",
                "127.0.0.1",
                "--show-interactive-dev-session=false",
            ])
            .args(self.test_scheduled.then_some("--test-scheduled"))
            .args([
                "--port",
                &self.port.to_string(),
                "--inspector-port",
                &self.inspector.to_string(),
            ])
            .arg("--persist-to")
            .arg(&self.persist)
            .arg("--env-file")
            .arg(&self.env_file)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .process_group(0)
            .spawn()
            .map_err(io("starting wrangler dev"))
    }
}

/// Ends the `wrangler dev` we started and its runtime: SIGTERM to the process group we created
/// for it, SIGKILL after 5 s.
fn stop(wrangler: &mut Child) {
    // wrangler runs workerd as its child: signal the whole process group we created for it.
    let group = -(wrangler.id() as libc::pid_t);
    // SAFETY: kill(2) with a negative pid signals that process group; no memory is involved.
    unsafe { libc::kill(group, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = wrangler.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // SAFETY: as above; the group may already be gone, which is fine.
    unsafe { libc::kill(group, libc::SIGKILL) };
    let _ = wrangler.wait();
}

/// `wrangler.toml` without its `[build]` step, as `.wrangler-e2e.toml` beside it (paths in it stay
/// relative to the project): the stacks run the worker built once, and without a build step
/// wrangler has no source folder to watch — a spurious change event there restarted a running
/// stack's workerd onto a port it still held.
/// With `event_consumer` false, also without the events queue's consumer, as
/// `.wrangler-e2e-no-consumer.toml`.
fn prebuilt_config(root: &Path, event_consumer: bool) -> Result<PathBuf, StackError> {
    // Once per test process and variant: stacks of one process start in parallel.
    static WRITTEN: std::sync::Mutex<[Option<PathBuf>; 2]> = std::sync::Mutex::new([None, None]);
    let mut written = WRITTEN
        .lock()
        .map_err(|_| StackError::Failed("the e2e config lock is poisoned".into()))?;
    let slot = &mut written[usize::from(!event_consumer)];
    if let Some(path) = slot.as_ref() {
        return Ok(path.clone());
    }
    let path = write_prebuilt_config(root, event_consumer)?;
    *slot = Some(path.clone());
    Ok(path)
}

/// The blocks (a `[header]` line and what follows it) of `wrangler.toml` a stack runs with.
fn prebuilt_text(text: &str, event_consumer: bool) -> String {
    let keep = |block: &Vec<&str>| match wrangler_config::header(block) {
        Some("[build]") => false,
        Some("[[queues.consumers]]") if !event_consumer => !block
            .iter()
            .any(|l| l.replace(' ', "") == "queue=\"sfcc-clerk-events\""),
        _ => true,
    };
    wrangler_config::blocks(text)
        .iter()
        .filter(|b| keep(b))
        .flatten()
        .map(|line| format!("{line}\n"))
        .collect()
}

fn write_prebuilt_config(root: &Path, event_consumer: bool) -> Result<PathBuf, StackError> {
    let text =
        fs::read_to_string(root.join("wrangler.toml")).map_err(io("reading wrangler.toml"))?;
    let out = prebuilt_text(&text, event_consumer);
    let path = root.join(if event_consumer {
        ".wrangler-e2e.toml"
    } else {
        ".wrangler-e2e-no-consumer.toml"
    });
    // Left alone when it is already right: wrangler reloads a running stack whose config file
    // is touched.
    if fs::read_to_string(&path).is_ok_and(|current| current == out) {
        return Ok(path);
    }
    // Written whole then renamed: stacks starting at once never read half a file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = root.join(format!(".wrangler-e2e.{}-{n}.tmp", std::process::id()));
    fs::write(&tmp, out).map_err(io("writing the e2e wrangler config"))?;
    fs::rename(&tmp, &path).map_err(io("writing the e2e wrangler config"))?;
    Ok(path)
}

fn free_port() -> Result<u16, StackError> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(io("finding a free port"))?;
    Ok(listener
        .local_addr()
        .map_err(io("finding a free port"))?
        .port())
}

fn newest_source(dir: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let t = if path.is_dir() {
                newest_source(&path)
            } else {
                entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH)
            };
            newest = newest.max(t);
        }
    }
    newest
}

/// Checks that wrangler is installed and `build/` is newer than the worker's sources.
fn check_prerequisites(root: &Path) -> Result<PathBuf, StackError> {
    let wrangler = root.join("node_modules/.bin/wrangler");
    if !wrangler.exists() {
        return Err(StackError::Missing(
            "wrangler is not installed: run `cargo xtask test` (or `npm ci`)".into(),
        ));
    }
    let wasm = root.join("build/index_bg.wasm");
    let built = fs::metadata(&wasm)
        .and_then(|m| m.modified())
        .map_err(|_| {
            StackError::Missing(
                "the worker is not built: run `cargo xtask build-worker` (cargo xtask test does)"
                    .into(),
            )
        })?;
    let sources = newest_source(&root.join("src")).max(newest_source(&root.join("core/src")));
    if sources > built {
        return Err(StackError::Missing(
            "build/ is older than the worker's sources: run `cargo xtask build-worker`".into(),
        ));
    }
    Ok(wrangler)
}

/// Runs one local `wrangler` step on the stack's D1 state (`--persist-to`). A step that fails
/// is tried twice more: under load wrangler's local D1 sometimes stops on an internal assertion
/// (`false == true`) before touching the database, and the steps are idempotent on that state.
fn wrangler_step(
    wrangler_bin: &Path,
    root: &Path,
    config: &Path,
    persist: &Path,
    args: &[&str],
    what: &str,
) -> Result<(), StackError> {
    let mut failure = String::new();
    for attempt in 1..=3 {
        let out = Command::new(wrangler_bin)
            .current_dir(root)
            .envs(tool_env())
            .arg("--config")
            .arg(config)
            .args(args)
            .arg("--persist-to")
            .arg(persist)
            .stdin(Stdio::null())
            .output()
            .map_err(io(format!("running wrangler for {what}")))?;
        if out.status.success() {
            return Ok(());
        }
        failure = format!(
            "{what} failed (attempt {attempt} of 3):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(StackError::Failed(failure))
}

impl Stack {
    /// Starts the sandbox, applies the D1 migrations to a fresh local state, starts `wrangler dev`
    /// with the prebuilt worker, and waits until the worker answers.
    pub fn start(opts: &StackOptions) -> Result<Self, StackError> {
        let root = project_root();
        let wrangler_bin = check_prerequisites(&root)?;
        let wrangler_config = prebuilt_config(&root, opts.event_consumer)?;
        // Sandbox Clerk holds one store per store of config/sfcc-clerk.toml, whose private key
        // the worker reads from the secret the store names.
        let stores = configured_stores(&root)?;
        let config = SandboxConfig {
            clerk_stores: stores
                .iter()
                .map(|s| (s.public_key.clone(), s.private_key.clone()))
                .collect(),
            catalog: opts.catalog.clone(),
            generated_customers: opts.generated_customers,
            ..SandboxConfig::default()
        };
        let sandbox = RunningSandbox::start(&config, opts.sandbox_port)
            .map_err(io("starting the sandbox"))?;
        let storefront = RunningStorefront::start(&sandbox.sandbox, 0)
            .map_err(io("starting the sandbox storefront"))?;
        let clerk_key = stores[0].public_key.clone();
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let state_dir = root
            .join("target/e2e")
            .join(format!("stack-{}-{stamp}", std::process::id()));
        fs::create_dir_all(&state_dir).map_err(io("creating the state folder"))?;
        let env_file = state_dir.join("worker.env");
        let base = &sandbox.base_url;
        let vars = [
            ("SFCC_BASE_URL", base.clone()),
            ("SFCC_AUTH_URL", base.clone()),
            ("SFCC_CLIENT_ID", config.sfcc_client_id.clone()),
            ("SFCC_CLIENT_SECRET", config.sfcc_client_secret.clone()),
            // Clerk's own address, which the sandbox can take off the network.
            ("CLERK_API_URL", sandbox.clerk_url.clone()),
            ("ADMIN_TOKEN", ADMIN_TOKEN.to_string()),
            ("QA_TOKEN", QA_TOKEN.to_string()),
            ("SFCC_PAGE_SIZE", opts.page_size.to_string()),
            ("ORIGIN_URL", storefront.base_url.clone()),
        ];
        let timeout = opts
            .http_timeout_ms
            .map(|ms| ("HTTP_TIMEOUT_MS", ms.to_string()));
        let consent = opts.consent_mode.map(|m| ("CONSENT_MODE", m.to_string()));
        let scapi: Vec<(&str, String)> = match opts.scapi {
            Some(org) => vec![
                ("SCAPI_BASE_URL", base.clone()),
                ("SCAPI_ORGANIZATION_ID", org.to_string()),
            ],
            None => Vec::new(),
        };
        let extra: Vec<(&str, String)> = opts.vars.clone();
        let keys: Vec<(&str, String)> = stores
            .iter()
            .map(|s| (s.secret.as_str(), s.private_key.clone()))
            .collect();
        let env_text: String = vars
            .iter()
            .chain(keys.iter())
            .chain(timeout.iter())
            .chain(consent.iter())
            .chain(scapi.iter())
            .chain(extra.iter())
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect();
        fs::write(&env_file, env_text).map_err(io("writing the worker's env file"))?;
        let persist = state_dir.join("state");

        let d1 = |what: &str, args: &[&str]| {
            let mut all = vec!["d1"];
            all.extend_from_slice(args);
            wrangler_step(&wrangler_bin, &root, &wrangler_config, &persist, &all, what)
        };
        d1("D1 migrations", &["migrations", "apply", "DB", "--local"])?;
        if let Some(sql) = &opts.seed_sql {
            d1(
                "seeding D1",
                &["execute", "DB", "--local", "--command", sql],
            )?;
        }

        let port = if opts.worker_port == 0 {
            free_port()?
        } else {
            opts.worker_port
        };
        let log_path = state_dir.join("wrangler.log");
        let launch = Launch {
            wrangler_bin,
            config: wrangler_config,
            port,
            test_scheduled: opts.test_scheduled,
            inspector: free_port()?,
            persist,
            env_file,
            log_path: log_path.clone(),
        };
        let wrangler = launch.spawn()?;
        let mut stack = Self {
            sandbox,
            storefront,
            worker_url: format!("http://127.0.0.1:{port}"),
            clerk_key,
            stores,
            client: Client::default(),
            log_path,
            wrangler,
            launch,
            state_dir,
        };
        // A port picked free may be bound by another process before wrangler binds it: start
        // again on fresh ports (at most twice).
        for attempt in 1.. {
            let log_from = stack.wrangler_log().len();
            match stack.wait_until_up(Duration::from_secs(120), log_from) {
                Err(StackError::PortTaken(_)) if attempt < 3 => {
                    stop(&mut stack.wrangler);
                    if opts.worker_port == 0 {
                        stack.launch.port = free_port()?;
                        stack.worker_url = format!("http://127.0.0.1:{}", stack.launch.port);
                    }
                    stack.launch.inspector = free_port()?;
                    stack.wrangler = stack.launch.spawn()?;
                }
                other => return other.map(|()| stack),
            }
        }
        unreachable!("the loop returns")
    }

    /// Waits until the worker answers its health check; gives up early when wrangler's output
    /// past `log_from` says a port was taken.
    fn wait_until_up(&self, timeout: Duration, log_from: usize) -> Result<(), StackError> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let log = self.wrangler_log();
            if log
                .get(log_from..)
                .is_some_and(|l| l.contains("Address already in use"))
            {
                return Err(StackError::PortTaken(log[log_from..].to_string()));
            }
            let health = self.client.get(
                &format!("{}{}", self.worker_url, sfcc_clerk_core::paths::HEALTH),
                &[],
            );
            // Up: healthy, or answering that its configuration is broken (it fails open).
            if health.status == 200 || (health.status == 503 && health.json["status"] == "error") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(StackError::Failed(format!(
            "the worker did not answer its health check within {timeout:?}; wrangler said:\n{}",
            self.wrangler_log()
        )))
    }

    /// Ends the worker (the `wrangler dev` process group we started, by its id) and starts it
    /// again on the same persisted local state (D1, KV) and port; waits until it answers. Local
    /// Queues live in memory: what was queued is gone, as the restart of a machine would lose it.
    pub fn restart_worker(&mut self) -> Result<(), StackError> {
        stop(&mut self.wrangler);
        let log_from = self.wrangler_log().len();
        self.wrangler = self.launch.spawn()?;
        self.wait_until_up(Duration::from_secs(120), log_from)
    }

    /// The process id of `wrangler dev`, which leads the process group of the worker's runtime.
    pub fn wrangler_pid(&self) -> u32 {
        self.wrangler.id()
    }

    /// The port of the worker isolate's inspector (Chrome DevTools protocol).
    pub fn inspector_port(&self) -> u16 {
        self.launch.inspector
    }

    /// What wrangler printed so far.
    pub fn wrangler_log(&self) -> String {
        fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Runs the worker's scheduled handler as the cron trigger would.
    pub fn trigger_cron(&self) -> Reply {
        self.trigger_cron_named("*/15 * * * *")
    }

    /// Fires the worker's scheduled handler as cron `cron` would (`wrangler.toml`'s full
    /// re-index is `0 3 * * *`).
    pub fn trigger_cron_named(&self, cron: &str) -> Reply {
        self.client.get(
            &format!(
                "{}/__scheduled?cron={}",
                self.worker_url,
                cron.replace(' ', "+")
            ),
            &[],
        )
    }

    /// `GET /__sfcc-clerk/admin/{path}` with the admin token.
    pub fn admin_get(&self, path: &str) -> Value {
        let auth = format!("Bearer {ADMIN_TOKEN}");
        self.client
            .get(
                &format!(
                    "{}{}/{path}",
                    self.worker_url,
                    sfcc_clerk_core::paths::ADMIN
                ),
                &[("authorization", &auth)],
            )
            .json
    }

    /// The `index`-th sync run of `store` (counting from its oldest), once it has finished; fails the
    /// test after `timeout` with the runs and wrangler's output.
    pub fn finished_run(&self, store: &str, index: usize, timeout: Duration) -> Value {
        crate::wait_for(
            &format!("run {index} of {store} to finish"),
            timeout,
            || {
                let runs = self.admin_get("sync-runs");
                let mut mine: Vec<&Value> = runs
                    .as_array()?
                    .iter()
                    .filter(|r| r["store"] == store)
                    .collect();
                mine.reverse();
                mine.get(index)
                    .filter(|r| r["status"] == "finished")
                    .map(|r| (*r).clone())
            },
            || {
                format!(
                    "runs {}; wrangler log:\n{}",
                    self.admin_get("sync-runs"),
                    self.wrangler_log()
                )
            },
        )
    }

    /// Polls `check` until it gives a value, or fails the test after `timeout` with wrangler's output.
    pub fn wait_for_value<T>(
        &self,
        what: &str,
        timeout: Duration,
        check: impl FnMut() -> Option<T>,
    ) -> T {
        crate::wait_for(what, timeout, check, || self.wrangler_log())
    }

    /// Waits until sandbox Clerk has accepted `n` category upserts (a full run sends one per store,
    /// beside its pages), so that later request counts see only what comes after.
    pub fn wait_for_category_upserts(&self, n: usize) {
        self.wait_for_value(
            &format!("{n} category upserts"),
            Duration::from_secs(60),
            || {
                let requests = self.clerk_requests();
                let done = requests
                    .as_array()?
                    .iter()
                    .filter(|r| r["request"] == "POST /v2/categories" && r["status"] == 200)
                    .count();
                (done >= n).then_some(())
            },
        )
    }

    /// The operators' admin client (what `sfcc-clerk sync/reindex/replay/list` use), for this worker.
    pub fn admin_client(&self) -> sfcc_clerk_cli::admin_client::AdminClient {
        sfcc_clerk_cli::admin_client::AdminClient::new(&self.worker_url, ADMIN_TOKEN)
    }

    /// `POST /__sfcc-clerk/admin/{path}` with the admin token.
    pub fn admin_post(&self, path: &str) -> Reply {
        let auth = format!("Bearer {ADMIN_TOKEN}");
        self.client.send(
            "POST",
            &format!(
                "{}{}/{path}",
                self.worker_url,
                sfcc_clerk_core::paths::ADMIN
            ),
            &[("authorization", &auth)],
            "",
        )
    }

    /// Posts events to the worker's event endpoint, with a cookie header if given.
    pub fn post_events(&self, body: &str, cookie: Option<&str>) -> Reply {
        self.post_events_to(sfcc_clerk_core::paths::EVENTS, body, cookie)
    }

    /// Posts events to a path of the worker (e.g. `/__sfcc-clerk/events?store=…`).
    pub fn post_events_to(&self, path: &str, body: &str, cookie: Option<&str>) -> Reply {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(c) = cookie {
            headers.push(("cookie", c));
        }
        self.client.send(
            "POST",
            &format!("{}{path}", self.worker_url),
            &headers,
            body,
        )
    }

    /// What sandbox Clerk holds for the worker's first store: `{"products": {...}, "log": [...]}`.
    pub fn clerk_store(&self) -> Value {
        self.clerk_store_with_key(&self.clerk_key)
    }

    /// The Clerk public key of the worker's store with this name, e.g. `refarchglobal-fr`.
    pub fn clerk_key_of(&self, store: &str) -> Option<&str> {
        self.stores
            .iter()
            .find(|s| s.name == store)
            .map(|s| s.public_key.as_str())
    }

    /// What sandbox Clerk holds for the store with this public key.
    pub fn clerk_store_with_key(&self, key: &str) -> Value {
        self.client
            .get(
                &format!("{}/__sandbox/clerk/stores/{key}", self.sandbox.base_url),
                &[],
            )
            .json
    }

    /// How many products, categories, orders, customers and tracking calls the first store's
    /// sandbox Clerk holds (cheap for a store of any size).
    pub fn clerk_counts(&self) -> Value {
        self.client
            .get(
                &format!(
                    "{}/__sandbox/clerk/stores/{}/counts",
                    self.sandbox.base_url, self.clerk_key
                ),
                &[],
            )
            .json
    }

    /// The tracking calls the first store's sandbox Clerk received, as `{"endpoint", "params"}`.
    pub fn clerk_log(&self) -> Vec<Value> {
        self.clerk_store()["log"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Clerk's tracking log once it holds at least `n` calls and three more seconds have passed,
    /// so that a late duplicate would show.
    pub fn settled_clerk_log(&self, n: usize) -> Vec<Value> {
        crate::wait_for(
            &format!("{n} tracking calls at Clerk"),
            Duration::from_secs(30),
            || Some(self.clerk_log()).filter(|l| l.len() >= n),
            || self.wrangler_log(),
        );
        std::thread::sleep(Duration::from_secs(3));
        self.clerk_log()
    }

    /// Every request sandbox Clerk answered, as `{"request", "status"}`.
    pub fn clerk_requests(&self) -> Value {
        self.client
            .get(
                &format!("{}/__sandbox/clerk/requests", self.sandbox.base_url),
                &[],
            )
            .json
    }

    /// Changes a product in sandbox SFCC (bumping its `last_modified`).
    pub fn change_sfcc_product(&self, id: &str, changes: &Value) -> Reply {
        let url = format!("{}/__sandbox/sfcc/products/{id}", self.sandbox.base_url);
        self.client.send(
            "PATCH",
            &url,
            &[("content-type", "application/json")],
            &changes.to_string(),
        )
    }

    /// Injects SFCC faults: the next `fail_next` product searches answer `status`; with
    /// `expire_tokens`, every issued token stops working.
    pub fn sfcc_faults(&self, fail_next: u32, status: u16, expire_tokens: bool) -> Reply {
        let url = format!("{}/__sandbox/sfcc/faults", self.sandbox.base_url);
        let body = serde_json::json!({"fail_next": fail_next, "status": status, "expire_tokens": expire_tokens}).to_string();
        self.client.send("POST", &url, &[], &body)
    }

    /// Removes a product from sandbox SFCC.
    pub fn remove_sfcc_product(&self, id: &str) -> Reply {
        let url = format!("{}/__sandbox/sfcc/products/{id}", self.sandbox.base_url);
        self.client.send("DELETE", &url, &[], "")
    }

    /// Makes sandbox SFCC's next `n` searches and sandbox Clerk's next `n` calls answer `ms` late.
    pub fn delay_next(&self, n: u32, ms: u64) {
        let body = serde_json::json!({"delay_next": n, "delay_ms": ms}).to_string();
        for path in ["sfcc", "clerk"] {
            let url = format!("{}/__sandbox/{path}/faults", self.sandbox.base_url);
            assert_eq!(
                self.client.send("POST", &url, &[], &body).status,
                200,
                "setting the {path} delay"
            );
        }
    }

    /// Makes sandbox Clerk fail a seeded share (0 to 1) of all further calls with a 503.
    pub fn clerk_fail_rate(&self, rate: f64, seed: u64) -> Reply {
        let url = format!("{}/__sandbox/clerk/faults", self.sandbox.base_url);
        let body = serde_json::json!({"fail_rate": rate, "seed": seed, "status": 503}).to_string();
        self.client.send("POST", &url, &[], &body)
    }

    /// Sets sandbox Clerk's faults (`POST /__sandbox/clerk/faults`; replaces those set before).
    pub fn clerk_faults(&self, faults: &Value) -> Reply {
        let url = format!("{}/__sandbox/clerk/faults", self.sandbox.base_url);
        self.client.send("POST", &url, &[], &faults.to_string())
    }

    /// Sets how the sandbox storefront's templates differ from stock SFRA's (`POST
    /// /__sandbox/storefront/template`; replaces what was set before).
    pub fn set_storefront_template(&self, template: &Value) -> Reply {
        let url = format!("{}/__sandbox/storefront/template", self.storefront.base_url);
        self.client.send(
            "POST",
            &url,
            &[("content-type", "application/json")],
            &template.to_string(),
        )
    }

    /// Sets sandbox SFCC's faults (`POST /__sandbox/sfcc/faults`; replaces those set before).
    pub fn set_sfcc_faults(&self, faults: &Value) -> Reply {
        let url = format!("{}/__sandbox/sfcc/faults", self.sandbox.base_url);
        self.client.send("POST", &url, &[], &faults.to_string())
    }

    /// Makes sandbox Clerk fail its next `n` calls with `status`.
    pub fn clerk_fail_next(&self, n: u32, status: u16) -> Reply {
        let url = format!("{}/__sandbox/clerk/faults", self.sandbox.base_url);
        self.client.send(
            "POST",
            &url,
            &[],
            &serde_json::json!({"fail_next": n, "status": status}).to_string(),
        )
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        stop(&mut self.wrangler);
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.state_dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::prebuilt_text;

    const TOML: &str = r#"name = "w"
[build]
command = "sh build.sh"

[[queues.consumers]]
queue = "sfcc-clerk-events"
dead_letter_queue = "sfcc-clerk-events-dlq"

[[queues.consumers]]
queue = "sfcc-clerk-events-dlq"
"#;

    #[test]
    fn the_build_step_always_goes_and_the_events_consumer_on_request() {
        let with = prebuilt_text(TOML, true);
        assert!(
            !with.contains("[build]") && !with.contains("build.sh"),
            "{with}"
        );
        assert!(with.contains("queue = \"sfcc-clerk-events\"\n"), "{with}");
        let without = prebuilt_text(TOML, false);
        assert!(
            !without.contains("queue = \"sfcc-clerk-events\"\n"),
            "{without}"
        );
        assert!(
            without.contains("queue = \"sfcc-clerk-events-dlq\"\n"),
            "{without}"
        );
        assert!(without.starts_with("name = \"w\"\n"), "{without}");
    }
}
