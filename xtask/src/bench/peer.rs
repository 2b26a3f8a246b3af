//! The JavaScript workers the bench measures the Rust worker against, each under its own
//! `wrangler dev` (the same wrangler and workerd as the worker): `bench/passthrough.js`, a plain
//! pass-through to the storefront, `bench/normalize-peer.js`, the ingest done in JS, and
//! `bench/ingest-floor.js`, a worker that only reads each post and answers.

use sfcc_clerk_e2e::{project_root, tool_env, wrangler_config, Client};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A JS worker under `wrangler dev`; its process group ends when dropped.
pub struct JsWorker {
    child: Child,
    /// Its base URL.
    pub url: String,
    /// Its isolate's inspector port.
    pub inspector: u16,
    state: PathBuf,
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("finding a free port: {e}"))
}

impl JsWorker {
    /// Starts `wrangler dev` with `args` (a script, or `--config FILE`) and `vars`, and waits
    /// until `GET ready_path` answers 200.
    fn start(
        name: &str,
        args: &[&str],
        vars: &[(&str, String)],
        ready_path: &str,
    ) -> Result<Self, String> {
        let root = project_root();
        let (port, inspector) = (free_port()?, free_port()?);
        let state = root
            .join("target/bench")
            .join(format!("{name}-{}", std::process::id()));
        let mut cmd = Command::new(root.join("node_modules/.bin/wrangler"));
        cmd.current_dir(&root)
            .envs(tool_env())
            .arg("dev")
            .args(args)
            .args(["--ip", "127.0.0.1", "--show-interactive-dev-session=false"])
            .args(["--port", &port.to_string()])
            .args(["--inspector-port", &inspector.to_string()])
            .arg("--persist-to")
            .arg(&state);
        for (k, v) in vars {
            cmd.arg("--var").arg(format!("{k}:{v}"));
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("starting {name} under wrangler dev: {e}"))?;
        let me = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            inspector,
            state,
        };
        let client = Client::default();
        let deadline = Instant::now() + Duration::from_secs(60);
        while client.get(&format!("{}{ready_path}", me.url), &[]).status != 200 {
            if Instant::now() > deadline {
                return Err(format!("{name} did not answer under wrangler dev"));
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Ok(me)
    }

    /// `bench/passthrough.js` (config `bench/passthrough.toml`: without one, wrangler would read
    /// the worker's own `wrangler.toml`, bindings and build step included) in front of `origin`;
    /// ready once `ready_path` comes through.
    pub fn passthrough(origin: &str, ready_path: &str) -> Result<Self, String> {
        Self::start(
            "passthrough",
            &["--config", "bench/passthrough.toml"],
            &[("ORIGIN", origin.to_string())],
            ready_path,
        )
    }

    /// The pass-through with the worker's bindings (local D1, KV, Queues and rate limiter, as
    /// `wrangler.toml` declares them; its queues without consumers): what they cost a request
    /// that does not use them.
    pub fn bound(origin: &str, ready_path: &str) -> Result<Self, String> {
        let root = project_root();
        let config = root.join("target/bench/passthrough-bound.toml");
        let text = std::fs::read_to_string(root.join("wrangler.toml"))
            .map_err(|e| format!("reading wrangler.toml: {e}"))?;
        std::fs::write(&config, bound_config(&text, &root))
            .map_err(|e| format!("writing {}: {e}", config.display()))?;
        Self::start(
            "bound",
            &["--config", &config.to_string_lossy()],
            &[("ORIGIN", origin.to_string())],
            ready_path,
        )
    }

    /// The pass-through that also prepends `markup` to each page's `<head>` (`HTMLRewriter`, as
    /// the worker injects its beacon).
    pub fn injecting(origin: &str, ready_path: &str, markup: &str) -> Result<Self, String> {
        Self::start(
            "injecting",
            &["--config", "bench/passthrough.toml"],
            &[
                ("ORIGIN", origin.to_string()),
                ("INJECT", markup.to_string()),
            ],
            ready_path,
        )
    }

    /// `bench/normalize-peer.js` (config `bench/normalize-peer.toml`) with the stores given as
    /// `[{"name", "currency"}]` JSON.
    pub fn normalize_peer(stores: &str) -> Result<Self, String> {
        Self::start(
            "normalize-peer",
            &["--config", "bench/normalize-peer.toml"],
            &[("STORES", stores.to_string())],
            "/health",
        )
    }

    /// `bench/ingest-floor.js` (config `bench/ingest-floor.toml`): reads each post and answers
    /// 202, nothing else.
    pub fn ingest_floor() -> Result<Self, String> {
        Self::start(
            "ingest-floor",
            &["--config", "bench/ingest-floor.toml"],
            &[],
            "/health",
        )
    }

    /// The process group of its wrangler and workerd.
    pub fn pgid(&self) -> u32 {
        self.child.id()
    }
}

/// `wrangler.toml` (`text`) for `bench/passthrough.js`: its name, entry and paths (absolute, from
/// `root`) changed, without its build step and queue consumers.
fn bound_config(text: &str, root: &std::path::Path) -> String {
    let path = |p: &str| format!("{:?}", root.join(p).display().to_string());
    let mut out = String::new();
    for (i, block) in wrangler_config::blocks(text).iter().enumerate() {
        if matches!(
            wrangler_config::header(block),
            Some("[build]" | "[[queues.consumers]]")
        ) {
            continue;
        }
        // The first block holds the top-level keys.
        let top = i == 0;
        for line in block {
            let line = match line.trim().split_once(" = ").map(|(k, _)| k) {
                Some("name") if top => "name = \"sfcc-clerk-passthrough-bound\"".to_string(),
                Some("main") if top => format!("main = {}", path("bench/passthrough.js")),
                Some("directory") => format!("directory = {}", path("build/assets")),
                Some("migrations_dir") => format!("migrations_dir = {}", path("migrations")),
                _ => line.to_string(),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

impl Drop for JsWorker {
    fn drop(&mut self) {
        // SAFETY: kill(2) with the negated id of the process group this bench started.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGTERM) };
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_config_keeps_the_bindings_and_runs_the_pass_through() {
        let text = "name = \"sfcc-clerk\"\nmain = \"build/index.js\"\n[build]\ncommand = \"sh x\"\n\
                    [assets]\ndirectory = \"build/assets\"\n[[ratelimits]]\nname = \"BEACON_LIMIT\"\n\
                    [[queues.producers]]\nbinding = \"EVENTS\"\n[[queues.consumers]]\nqueue = \"q\"\n";
        let out = bound_config(text, std::path::Path::new("/p"));
        assert_eq!(
            out,
            "name = \"sfcc-clerk-passthrough-bound\"\nmain = \"/p/bench/passthrough.js\"\n\
             [assets]\ndirectory = \"/p/build/assets\"\n[[ratelimits]]\nname = \"BEACON_LIMIT\"\n\
             [[queues.producers]]\nbinding = \"EVENTS\"\n"
        );
    }
}
