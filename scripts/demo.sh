#!/usr/bin/env bash
# The main job: the sync server on its embedded SQLite default, seeded with a demo compound
# (蜀汉美郡: 2 stewards, 30 households, a month of visits, must-visits and issues), and the
# steward's app window, enrolled to it as the first demo steward. Prints the enrolment codes, the
# console's address and a sign-in for each role. Closing the window stops the server. State is kept in ./demo-data
# (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-tools.sh

DATA="${STEWARD_DATA:-./demo-data}"
LISTEN="${STEWARD_LISTEN:-127.0.0.1:8787}"
SERVER="./target/release/steward-sync-server"
APP="./target/release/steward-app"

npm --prefix ui run build
npm --prefix dashboard run build
cargo build --release --locked -p steward-sync-server -p steward-app

mkdir -p "$DATA"
CODE=""
if [[ ! -f "$DATA/.seeded" ]]; then
  "$SERVER" demo --data "$DATA/server" --listen "$LISTEN" | tee "$DATA/demo.txt"
  touch "$DATA/.seeded"
  CODE=$(grep -m1 ' code ' "$DATA/demo.txt" | sed 's/.* code \([^ ]*\) .*/\1/')
fi

echo "==> the supervisors' console: http://$LISTEN/  (sign-ins below; all demo passwords are in $DATA/demo.txt)"
sed -n '/^  demo-/p' "$DATA/demo.txt"

"$SERVER" serve --data "$DATA/server" --listen "$LISTEN" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://$LISTEN/healthz" >/dev/null && break
  sleep 0.1
done

echo "==> the app window (enrolled as the first demo steward; its data is in $DATA/app)"
export STEWARD_DATA_DIR="$DATA/app"
if [[ -n "$CODE" ]]; then
  export STEWARD_ENROL_SERVER="http://$LISTEN" STEWARD_ENROL_CODE="$CODE"
fi
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  "$APP"
else
  echo "    (no display here: the window runs under xvfb-run, unseen; Ctrl-C stops both)"
  # WebKit's sandbox needs user namespaces, which containers running as root often lack.
  if [[ $(id -u) -eq 0 ]]; then export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1; fi
  xvfb-run -a "$APP"
fi
