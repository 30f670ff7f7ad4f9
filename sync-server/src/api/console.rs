//! The supervisors' console (`dashboard/`), built into static files and embedded in the binary,
//! served at `/` from the same origin as `/v1`, so its session cookie (SameSite=Strict) and its
//! requests need no cross-origin rules. Release builds embed the files; debug builds read them
//! from `dashboard/dist` at each request, so a console rebuilt while a test server runs shows at
//! the next page load.
//!
//! Every answer carries a strict Content-Security-Policy (scripts and connections to this origin
//! only; Element Plus sets inline styles, so styles allow them), `nosniff`, no framing and no
//! referrer. The hashed assets are cached for a year; `index.html` is revalidated every time, so
//! a new server's console is picked up at the next load.

use rust_embed::RustEmbed;

use super::*;

#[derive(RustEmbed)]
#[folder = "../dashboard/dist"]
#[allow_missing = true]
struct Built;

/// The page served when the server was built without the console.
const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>红色管家</title>\
<p>The console was not built into this server: run <code>npm --prefix dashboard run build</code>, then build the \
server again. 控制台未打包：请先构建 dashboard 再构建服务器。";

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves the console's files for every GET the API does not route; anything else is a 404 in
/// the API's own shape.
pub(super) async fn serve(method: Method, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/v1/") || (method != Method::GET && method != Method::HEAD) {
        return ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint: see /v1/openapi.json")
            .into_response();
    }
    let file = path.trim_start_matches('/');
    let file = if file.is_empty() { "index.html" } else { file };
    let (body, mime, cache) = match Built::get(file) {
        Some(f) => {
            let immutable = file.starts_with("assets/");
            (
                f.data.into_owned(),
                mime(file),
                if immutable { "public, max-age=31536000, immutable" } else { "no-cache" },
            )
        }
        None if file == "index.html" => (NOT_BUILT.as_bytes().to_vec(), "text/html; charset=utf-8", "no-cache"),
        None => {
            return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found")
                .into_response()
        }
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, cache),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response()
}
