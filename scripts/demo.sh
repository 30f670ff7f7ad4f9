#!/usr/bin/env bash
# The main job: the sync server on its embedded SQLite default, seeded with a demo compound
# (蜀汉美郡: 2 stewards, 30 households, a month of visits, must-visits and issues).
# Prints enrolment codes and the supervisor's sign-in, then serves until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-tools.sh

DATA="${STEWARD_DATA:-./demo-data}"
LISTEN="${STEWARD_LISTEN:-127.0.0.1:8787}"
cargo build --release --locked -p steward-sync-server
exec ./target/release/steward-sync-server demo --data "$DATA" --listen "$LISTEN" --serve
