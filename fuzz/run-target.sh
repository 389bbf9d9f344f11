#!/usr/bin/env bash
# Run one fuzz target with pcr's settings (the smoke test and long runs use
# this, so the flags live in one place):
#
#   fuzz/run-target.sh TARGET SECONDS [more libFuzzer flags]
#
# -max_len: 1 MiB, so inputs can grow to the sizes that reach the limits
#   (libFuzzer's default grows from 4 KiB slowly); the structured modes
#   generate up to 4 MiB from a few bytes anyway.
# -timeout: an input taking longer than 20 s is reported as a hang.
# -rss_limit_mb / -malloc_limit_mb: more than 2 GiB is reported as out-of-memory.
# Builds optimised with debug assertions (cargo-fuzz's default: overflow
# checks on) and without a sanitizer: the
# crates forbid unsafe code, so AddressSanitizer adds cost and finds little.
set -euo pipefail
target="$1"
seconds="$2"
shift 2
FUZZ="$(cd "$(dirname "$0")" && pwd)"
cd "$FUZZ/.."
mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target" "fuzz/regressions/$target"
exec cargo +nightly fuzz run -s none "$target" \
  "fuzz/corpus/$target" "fuzz/regressions/$target" -- \
  -max_total_time="$seconds" \
  -max_len=1048576 \
  -timeout=20 \
  -rss_limit_mb=2048 \
  -malloc_limit_mb=2048 \
  -dict=fuzz/pcr.dict \
  -print_final_stats=1 \
  "$@"
