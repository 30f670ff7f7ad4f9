fn main() {
    ensure_ui_dist();
    // The app's own commands are listed here so that capabilities can allow them one by one.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(steward_app_commands::COMMANDS)),
    )
    .expect("tauri build step");
}

/// The binary embeds `ui/dist` (built by `npm --prefix ui run build`). So that `cargo build
/// --workspace` works in a fresh checkout before the UI is built (for the server and its tests),
/// a missing dist gets a one-page stand-in that says how to build the real one.
fn ensure_ui_dist() {
    let dist = std::path::Path::new("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if dist.join("index.html").exists() {
        return;
    }
    std::fs::create_dir_all(dist).expect("create ui/dist");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>红色管家</title>\
         <body style=\"font:20px sans-serif;padding:2em\"><p>界面还没有构建。The UI is not built yet:</p>\
         <pre>npm --prefix ui ci &amp;&amp; npm --prefix ui run build</pre><p>then build the app again.</p></body></html>",
    )
    .expect("write ui/dist/index.html");
}

mod steward_app_commands {
    include!("src/command_names.rs");
}
