//! The app's configuration, checked where no build here can check it: the Android project
//! (no Android SDK can be installed on this machine) must agree with `tauri.conf.json`, ask for
//! the permissions the app needs, and keep plain http to debug builds; and the capabilities must
//! allow exactly the app's commands (a command left out fails only when a steward taps it).

use std::path::{Path, PathBuf};

fn app_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../src-tauri")
}

fn read(rel: &str) -> String {
    let path = app_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_android_project_agrees_with_tauri_conf_and_asks_for_network_and_camera() {
    let conf = json("tauri.conf.json");
    let id = conf["identifier"].as_str().unwrap();
    let gradle = read("gen/android/app/build.gradle.kts");
    assert!(gradle.contains(&format!("applicationId = \"{id}\"")), "applicationId is {id}");
    assert!(gradle.contains(&format!("namespace = \"{id}\"")), "namespace is {id}");
    let min_sdk = conf["bundle"]["android"]["minSdkVersion"].as_u64().unwrap();
    assert!(gradle.contains(&format!("minSdk = {min_sdk}")), "minSdk is {min_sdk} as in tauri.conf.json");
    let activity = read(&format!("gen/android/app/src/main/java/{}/MainActivity.kt", id.replace('.', "/")));
    assert!(activity.starts_with(&format!("package {id}")));

    // Plain http only in debug builds (release talks https, see the enrol command).
    let release_default = gradle.split("buildTypes").next().unwrap();
    assert!(release_default.contains("manifestPlaceholders[\"usesCleartextTraffic\"] = \"false\""));

    let manifest = read("gen/android/app/src/main/AndroidManifest.xml");
    for permission in ["INTERNET", "ACCESS_NETWORK_STATE", "CAMERA"] {
        assert!(manifest.contains(&format!("android.permission.{permission}\"")), "{permission}");
    }
    assert!(manifest.contains("android:usesCleartextTraffic=\"${usesCleartextTraffic}\""));
    // The launcher icons are the app's own (from `tauri icon`), not the template's.
    for density in ["mdpi", "hdpi", "xhdpi", "xxhdpi", "xxxhdpi"] {
        let rel = format!("mipmap-{density}/ic_launcher.png");
        let ours = std::fs::read(app_dir().join("icons/android").join(&rel)).unwrap();
        let used = std::fs::read(app_dir().join("gen/android/app/src/main/res").join(&rel)).unwrap();
        assert!(ours == used, "{rel} is the Red Steward icon");
    }
    let names = read("gen/android/app/src/main/res/values/strings.xml");
    assert!(names.contains("红色管家"), "the app is named 红色管家 on the phone");
}

#[test]
fn the_app_crate_is_loadable_on_android_and_scans_qr_codes_only_on_phones() {
    let cargo = read("Cargo.toml");
    assert!(cargo.contains("\"cdylib\""), "Android loads the app as a shared library");
    let mobile_deps =
        cargo.split("[target.'cfg(any(target_os = \"android\", target_os = \"ios\"))'.dependencies]").nth(1);
    assert!(
        mobile_deps.is_some_and(|d| d.contains("tauri-plugin-barcode-scanner")),
        "the scanner is a phone-only dependency"
    );
    let lib = read("src/lib.rs");
    assert!(lib.contains("#[cfg_attr(mobile, tauri::mobile_entry_point)]"));
    assert!(lib.contains("#[cfg(mobile)]\n    app.handle().plugin(tauri_plugin_barcode_scanner::init())?;"));
    let mobile = json("capabilities/mobile.json");
    assert_eq!(mobile["platforms"], serde_json::json!(["android", "iOS"]));
}

#[test]
fn the_main_window_may_call_exactly_the_apps_commands_and_listen_to_events() {
    let names = read("src/command_names.rs");
    let commands: Vec<String> = names
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"').and_then(|l| l.strip_suffix("\",")))
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert!(commands.len() >= 20, "command list read: {commands:?}");
    let lib = read("src/lib.rs");
    for c in &commands {
        let name = c.trim_start_matches("allow-").replace('-', "_");
        assert!(lib.contains(&format!("commands::{name},")), "{name} is in generate_handler!");
    }
    let main = json("capabilities/main.json");
    let mut allowed: Vec<String> =
        main["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    allowed.sort();
    let mut expected = commands.clone();
    expected.extend(["core:event:allow-listen".to_string(), "core:event:allow-unlisten".to_string()]);
    expected.sort();
    assert_eq!(allowed, expected, "nothing more, nothing less");
    let conf = json("tauri.conf.json");
    assert_eq!(conf["app"]["security"]["capabilities"], serde_json::json!(["steward-main", "steward-mobile"]));
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-eval"), "{csp}");
}

#[test]
fn the_apps_text_fields_stop_at_the_same_limits_the_phone_and_server_enforce() {
    let ts = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/limits.ts")).unwrap();
    let value = |name: &str| -> usize {
        let line =
            ts.lines().find(|l| l.starts_with(&format!("export const {name} = "))).unwrap_or_else(|| panic!("{name}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(value("SHORT_TEXT"), steward_core::limits::SHORT_TEXT);
    assert_eq!(value("LONG_TEXT"), steward_core::limits::LONG_TEXT);
    assert_eq!(value("NOTES_TEXT"), steward_core::limits::NOTES_TEXT);
}
