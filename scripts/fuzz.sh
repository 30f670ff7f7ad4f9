#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/) and runs each for SECONDS (default 60), starting from the
# committed corpus. New inputs go to a scratch directory, so the committed corpus stays small;
# a crash stops the run with its input under fuzz/artifacts/<target>/ — copy it into
# fuzz/regressions/<target>/ (replayed by sync-server/tests/fuzz_corpus.rs) and fix the cause.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-60}"
# The toolchain here is stable; cargo fuzz passes flags that stable rustc accepts only with this.
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
# No sanitizer: the code under test is safe Rust, and what is looked for is panics, aborts,
# allocation bombs and time-outs, which libFuzzer's own limits catch.
# A failed link prints the linker's whole command line (thousands of characters) before its
# message, and a CI log cut short loses the message: long lines are shortened here. A failed
# build is tried once more on one job, after printing what the machine has left.
build() { cargo fuzz build --sanitizer none "$@" 2>&1 | cut -c1-400; return "${PIPESTATUS[0]}"; }
if ! build; then
  echo "==> the fuzz build failed; disk and memory left:" >&2
  df -h . /tmp >&2 || true
  free -m >&2 || true
  CARGO_BUILD_JOBS=1 build
fi
for target in sync_envelope chunk_gate push_path; do
  scratch="$(mktemp -d)"
  echo "==> fuzzing $target for ${secs}s"
  cargo fuzz run --sanitizer none "$target" "$scratch" "corpus/$target" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -print_final_stats=1 2>&1 |
    grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|.*(panicked|deadly|crash|leak|timeout|out-of-memory))' || true
  status="${PIPESTATUS[0]}"
  rm -rf "$scratch"
  if [[ "$status" -ne 0 ]]; then
    echo "fuzzing $target found a crash (exit $status): see fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
