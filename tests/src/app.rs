//! The real app window for end-to-end tests: the `steward-app` binary, run by WebKitWebDriver
//! through `tauri-driver`, all under `xvfb-run`, with its own data directories.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::webdriver::Session;

/// The app binary of this build profile (built by the same workspace build as the server).
pub fn app_binary() -> PathBuf {
    let server = crate::server_binary();
    let bin = server.with_file_name("steward-app");
    assert!(
        bin.exists(),
        "no app binary at {}: build the UI (npm --prefix ui run build) and then cargo build --workspace",
        bin.display()
    );
    bin
}

/// Where screenshots of the app's screens are kept: `target/e2e-screens/`.
pub fn screens_dir() -> PathBuf {
    let mut dir = app_binary();
    dir.pop(); // target/debug
    dir.pop(); // target
    let dir = dir.join("e2e-screens");
    std::fs::create_dir_all(&dir).expect("create target/e2e-screens");
    dir
}

fn find_tool(name: &str) -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect::<Vec<_>>())
        .unwrap_or_default();
    let home = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin").join(name));
    candidates
        .into_iter()
        .chain(home)
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is not installed: run scripts/ensure-tools.sh"))
}

/// `tauri-driver` under `xvfb-run`, in its own process group so that the driver, WebKitWebDriver,
/// the app and the X server all go when the test ends.
pub struct AppDriver {
    child: Child,
    pub url: String,
}

impl AppDriver {
    /// Starts the driver; the app's data lives under `home`.
    pub async fn start(home: &Path, env: &[(&str, &str)]) -> AppDriver {
        use std::os::unix::process::CommandExt;
        let port = crate::free_port();
        let native_port = crate::free_port();
        let xdg = |d: &str| {
            let p = home.join(d);
            std::fs::create_dir_all(&p).unwrap();
            p
        };
        let mut cmd = Command::new(find_tool("xvfb-run"));
        cmd.args(["-a", "-s", "-screen 0 1280x1024x24"])
            .arg(find_tool("tauri-driver"))
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("XDG_DATA_HOME", xdg("data"))
            .env("XDG_CONFIG_HOME", xdg("config"))
            .env("XDG_CACHE_HOME", xdg("cache"))
            .env("STEWARD_DATA_DIR", xdg("store"))
            .env("RUST_LOG", "info,tao=warn,wry=warn")
            // WebKitGTK's sandbox needs user namespaces, which CI containers running as root lack.
            .env("WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS", "1")
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start xvfb-run tauri-driver");
        // Owned before waiting, so a driver that never answers is still cleaned up by `Drop`.
        let driver = AppDriver { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        let http = reqwest::Client::new();
        while http.get(format!("{}/status", driver.url)).send().await.is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start on port {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        driver
    }

    /// Opens the app window and a WebDriver session on it.
    pub async fn open_app(&self) -> Session {
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app_binary() },
        });
        Session::start(&self.url, caps).await.unwrap_or_else(|e| panic!("could not open the app window: {e}"))
    }
}

impl AppDriver {
    /// SIGKILLs this driver's app (no shutdown, no flush); the WebDriver session on it is gone
    /// with it. Only the app in this driver's process group is touched.
    pub fn kill_app(&self) {
        let group = self.child.id().to_string();
        let app = app_binary().display().to_string();
        let status = Command::new("pkill").args(["-KILL", "-g", &group, "-f", &app]).status();
        assert!(status.is_ok_and(|s| s.success()), "no app process to kill");
        std::thread::sleep(Duration::from_millis(300));
    }
}

impl Drop for AppDriver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}
