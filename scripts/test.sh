#!/usr/bin/env bash
# Runs every test: the UI's and the console's unit tests, documentation examples, a bounded fuzzing run, unit tests
# and cross-crate tests (real servers, real stores, and the real app window driven over
# WebDriver), and the console in Chromium (playwright-core); then the storage suite and the
# cross-crate tests again with the server on a real PostgreSQL (started here on a temporary
# directory and a free port). The test runners' summaries are the last things printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-tools.sh

echo "==> UI unit tests (Vitest)"
npm --prefix ui test

echo "==> building the UI (embedded in the app binary)"
npm --prefix ui run build

echo "==> console unit tests (Vitest)"
npm --prefix dashboard test

echo "==> building the console (embedded in the server binary)"
npm --prefix dashboard run build

echo "==> building the workspace (binaries are used by the kill and window tests)"
cargo build --workspace --bins --tests --locked

echo "==> documentation examples"
cargo test --workspace --doc --locked

echo "==> fuzzing the sync envelope, the gate in front of Automerge and the push path (${STEWARD_FUZZ_SECONDS:-60} s each)"
./scripts/fuzz.sh "${STEWARD_FUZZ_SECONDS:-60}"

echo "==> the console end to end in a real browser (Chromium; screens under target/console-screens/)"
npm --prefix tests/console-e2e test

echo "==> tests (screens of the app window are saved under target/e2e-screens/)"
cargo nextest run --workspace --locked --no-fail-fast

echo "==> the storage suite and the cross-crate tests with the server on PostgreSQL"
source scripts/postgres.sh
cargo nextest run --workspace --locked --no-fail-fast --profile postgres
