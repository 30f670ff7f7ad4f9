#!/usr/bin/env bash
# Runs every test: documentation examples, unit tests and cross-crate tests (real servers, real
# stores). The test runner's summary is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-tools.sh

echo "==> building the workspace (binaries are used by the kill tests)"
cargo build --workspace --bins --tests --locked

echo "==> documentation examples"
cargo test --workspace --doc --locked

echo "==> tests"
cargo nextest run --workspace --locked --no-fail-fast
