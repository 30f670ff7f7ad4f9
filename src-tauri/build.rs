fn main() {
    // The app's own commands are listed here so that capabilities can allow them one by one.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(steward_app_commands::COMMANDS)),
    )
    .expect("tauri build step");
}

mod steward_app_commands {
    include!("src/command_names.rs");
}
