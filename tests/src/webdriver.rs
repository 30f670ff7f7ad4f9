//! A small W3C WebDriver client: just what the end-to-end tests use to drive the real app
//! window through `tauri-driver` and WebKitWebDriver (sessions, elements, clicks, typing,
//! scripts, screenshots).

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A WebDriver session.
pub struct Session {
    http: reqwest::Client,
    base: String,
}

/// An element found in the page.
#[derive(Debug, Clone)]
pub struct Element(String);

/// A WebDriver error, with the driver's own words.
#[derive(Debug)]
pub struct WdError(pub String);

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type WdResult<T> = Result<T, WdError>;

async fn send(req: reqwest::RequestBuilder) -> WdResult<Value> {
    let resp = req.send().await.map_err(|e| WdError(format!("webdriver request failed: {e}")))?;
    let status = resp.status();
    let body: Value = resp.json().await.map_err(|e| WdError(format!("webdriver answer unreadable: {e}")))?;
    if !status.is_success() {
        return Err(WdError(format!("webdriver {status}: {}", body["value"])));
    }
    Ok(body["value"].clone())
}

/// Errors a person would wait out: something covering the element, or an element still moving in.
fn retry_click(err: &WdError) -> bool {
    ["intercepted", "not interactable"].iter().any(|w| err.0.contains(w))
}

impl Session {
    /// Starts a session with the given capabilities (`alwaysMatch`).
    pub async fn start(driver_url: &str, capabilities: Value) -> WdResult<Session> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
        let v = send(http.post(format!("{driver_url}/session")).json(&json!({
            "capabilities": { "alwaysMatch": capabilities }
        })))
        .await?;
        let id = v["sessionId"].as_str().ok_or_else(|| WdError(format!("no session id in {v}")))?;
        Ok(Session { http, base: format!("{driver_url}/session/{id}") })
    }

    async fn get(&self, path: &str) -> WdResult<Value> {
        send(self.http.get(format!("{}{path}", self.base))).await
    }

    async fn post(&self, path: &str, body: Value) -> WdResult<Value> {
        send(self.http.post(format!("{}{path}", self.base)).json(&body)).await
    }

    /// Ends the session (the driver closes the app).
    pub async fn end(self) {
        let _ = send(self.http.delete(&self.base)).await;
    }

    /// All elements matching a CSS selector, now.
    pub async fn find_all(&self, css: &str) -> WdResult<Vec<Element>> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css})).await?;
        Ok(v.as_array()
            .map(|a| a.iter().filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_string()))).collect())
            .unwrap_or_default())
    }

    /// Waits until an element matching `css` is displayed, and returns it.
    pub async fn wait(&self, css: &str, timeout: Duration) -> WdResult<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            for e in self.find_all(css).await? {
                // An element re-rendered meanwhile is "stale": look again.
                if self.get(&format!("/element/{}/displayed", e.0)).await.is_ok_and(|v| v.as_bool() == Some(true)) {
                    return Ok(e);
                }
            }
            if Instant::now() > deadline {
                return Err(WdError(format!("nothing displayed matches {css:?} after {timeout:?}")));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until `script` (a function body returning a value) returns something truthy.
    pub async fn wait_until(&self, what: &str, script: &str, timeout: Duration) -> WdResult<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.execute(script, json!([])).await?;
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return Ok(v);
            }
            if Instant::now() > deadline {
                return Err(WdError(format!("{what}: still not true after {timeout:?}")));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Clicks an element after bringing it to the middle of the window, clear of the fixed
    /// title and tab bars. While something covers it (a toast fading out) or it is still moving
    /// (a popup sliding in), waits a little and
    /// tries again, as a person would.
    pub async fn click(&self, e: &Element) -> WdResult<()> {
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            self.execute("arguments[0].scrollIntoView({block: 'center'}); return true;", json!([{ ELEMENT_KEY: e.0 }]))
                .await?;
            match self.post(&format!("/element/{}/click", e.0), json!({})).await {
                Err(err) if retry_click(&err) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                r => return r.map(drop),
            }
        }
    }

    /// Waits for the element, then clicks it; if the page re-renders it meanwhile ("stale"),
    /// finds it again.
    pub async fn click_on(&self, css: &str) -> WdResult<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let e = self.wait(css, Duration::from_secs(20)).await?;
            match self.click(&e).await {
                Err(err) if err.0.contains("stale") && Instant::now() < deadline => continue,
                r => return r,
            }
        }
    }

    /// Clears a text field the way a person does (select all, delete) and types into it, so
    /// the page sees ordinary input events.
    pub async fn type_into(&self, css: &str, text: &str) -> WdResult<()> {
        const CTRL: char = '\u{E009}';
        const RELEASE: char = '\u{E000}';
        const BACKSPACE: char = '\u{E003}';
        let e = self.wait(css, Duration::from_secs(20)).await?;
        self.click(&e).await?;
        let select_all_delete = format!("{CTRL}a{RELEASE}{BACKSPACE}");
        self.post(&format!("/element/{}/value", e.0), json!({"text": select_all_delete})).await?;
        self.post(&format!("/element/{}/value", e.0), json!({"text": text})).await?;
        let now = self.get(&format!("/element/{}/property/value", e.0)).await?;
        if now.as_str() != Some(text) {
            return Err(WdError(format!("{css} holds {now} after typing {text:?}")));
        }
        Ok(())
    }

    pub async fn text(&self, e: &Element) -> WdResult<String> {
        Ok(self.get(&format!("/element/{}/text", e.0)).await?.as_str().unwrap_or_default().to_string())
    }

    pub async fn attribute(&self, e: &Element, name: &str) -> WdResult<Option<String>> {
        Ok(self.get(&format!("/element/{}/attribute/{name}", e.0)).await?.as_str().map(str::to_string))
    }

    /// Runs a script in the page (a function body; `arguments` are `args`).
    pub async fn execute(&self, script: &str, args: Value) -> WdResult<Value> {
        self.post("/execute/sync", json!({"script": script, "args": args})).await
    }

    /// Saves a PNG of the window.
    pub async fn screenshot(&self, path: &Path) -> WdResult<()> {
        let v = self.get("/screenshot").await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .map_err(|e| WdError(format!("screenshot is not base64: {e}")))?;
        std::fs::write(path, png).map_err(|e| WdError(format!("cannot write {}: {e}", path.display())))
    }
}
