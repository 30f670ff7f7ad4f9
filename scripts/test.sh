#!/usr/bin/env bash
# Runs every test: unit, documentation and cross-crate tests (real servers, real stores).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-tools.sh

echo "==> building the workspace (binaries are used by the kill tests)"
cargo build --workspace --bins --tests --locked

echo "==> tests"
cargo nextest run --workspace --locked --no-fail-fast

echo "==> documentation examples"
cargo test --workspace --doc --locked
