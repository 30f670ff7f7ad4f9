//! The console's built files (`dashboard/dist`) are embedded by `api/console.rs`; a server built
//! before they existed embeds none, so it is built again once they appear or change.
fn main() {
    println!("cargo:rerun-if-changed=../dashboard/dist/index.html");
}
