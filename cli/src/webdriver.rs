//! Headless Chromium driven over WebDriver (Debian's chromium-driver): the QA run, and the tests
//! that need the real browser (the injected beacon and the validator run only there).
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A browser session; the session, the chromedriver we started and the browser's profile
/// directory end when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    /// The profile directory Chromium is given: ours to remove, so no run leaves one behind in
    /// the system's temporary directory.
    profile: PathBuf,
}

/// A WebDriver step that did not work, with what was being done.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BrowserError(String);

fn failed(what: &str, detail: impl std::fmt::Display) -> BrowserError {
    BrowserError(format!("{what}: {detail}"))
}

fn free_port() -> Result<u16, BrowserError> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| failed("finding a free port", e))
}

impl Browser {
    /// Starts chromedriver (`$CHROMEDRIVER`, else the one on the PATH) on a free loopback port
    /// and opens a headless Chromium session.
    pub fn start() -> Result<Self, BrowserError> {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port()?;
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| failed(&format!("starting {driver_bin}"), e))?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let profile =
            std::env::temp_dir().join(format!("sfcc-clerk-chromium-{}-{port}", std::process::id()));
        let mut browser = Self {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent,
            profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        let user_data = format!("--user-data-dir={}", browser.profile.display());
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", user_data]}
        }}});
        loop {
            match browser.call("POST", "/session", Some(&caps)) {
                Ok(v) if v["sessionId"].is_string() => {
                    browser.session = v["sessionId"].as_str().unwrap_or_default().into();
                    return Ok(browser);
                }
                other if Instant::now() > deadline => {
                    return Err(failed("opening a Chromium session", format!("{other:?}")))
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, BrowserError> {
        let url = format!("{}{path}", self.base);
        let reply = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self
                .agent
                .post(&url)
                .send_json(b.cloned().unwrap_or(json!({}))),
        };
        let mut reply = reply.map_err(|e| failed(&format!("{method} {path}"), e))?;
        let value: Value = reply
            .body_mut()
            .read_json()
            .map_err(|e| failed(&format!("{method} {path}"), e))?;
        Ok(value["value"].clone())
    }

    /// Loads `url` and waits for the page to load.
    pub fn goto(&self, url: &str) -> Result<(), BrowserError> {
        let path = format!("/session/{}/url", self.session);
        let answer = self.call("POST", &path, Some(&json!({ "url": url })))?;
        match answer.get("error") {
            Some(e) => Err(failed(&format!("loading {url}"), e)),
            None => Ok(()),
        }
    }

    /// Runs `script` (a function body; `return` gives the result) in the page.
    pub fn run(&self, script: &str) -> Result<Value, BrowserError> {
        let path = format!("/session/{}/execute/sync", self.session);
        let answer = self.call("POST", &path, Some(&json!({"script": script, "args": []})))?;
        match answer.get("error") {
            Some(e) => Err(failed(
                "running a script",
                format!("{e}: {}", answer["message"]),
            )),
            None => Ok(answer),
        }
    }
}

/// The W3C WebDriver key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    /// The first element matching a CSS selector, by its WebDriver id.
    fn element(&self, css: &str) -> Result<String, BrowserError> {
        let path = format!("/session/{}/element", self.session);
        let found = self.call(
            "POST",
            &path,
            Some(&json!({"using": "css selector", "value": css})),
        )?;
        found[ELEMENT_KEY]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| failed(&format!("finding {css}"), found))
    }

    /// Clicks the first element matching `css` as a user would (a form's submit button submits
    /// it; WebDriver waits for the navigation that follows).
    pub fn click(&self, css: &str) -> Result<(), BrowserError> {
        let id = self.element(css)?;
        let path = format!("/session/{}/element/{id}/click", self.session);
        let answer = self.call("POST", &path, Some(&json!({})))?;
        match answer.get("error") {
            Some(e) => Err(failed(&format!("clicking {css}"), e)),
            None => Ok(()),
        }
    }

    /// Types `text` into the first element matching `css`.
    pub fn type_into(&self, css: &str, text: &str) -> Result<(), BrowserError> {
        let id = self.element(css)?;
        let path = format!("/session/{}/element/{id}/value", self.session);
        let answer = self.call("POST", &path, Some(&json!({ "text": text })))?;
        match answer.get("error") {
            Some(e) => Err(failed(&format!("typing into {css}"), e)),
            None => Ok(()),
        }
    }

    /// Every cookie the browser holds for the current page, HttpOnly ones included (name, value).
    pub fn cookies(&self) -> Result<Vec<(String, String)>, BrowserError> {
        let all = self.call("GET", &format!("/session/{}/cookie", self.session), None)?;
        Ok(all
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c["name"].as_str()?.to_string(),
                    c["value"].as_str()?.to_string(),
                ))
            })
            .collect())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
