#!/usr/bin/env bash
# The whole test suite: Rust tests, the standard library's checks and worked
# examples, formatting, and the language server's end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test"
cargo test --workspace --all-targets
cargo test --workspace --doc

echo "== cargo build (the pcr binary for the end-to-end checks)"
cargo build -p pcr
PCR=./target/debug/pcr

echo "== pcr check stdlib-rules"
"$PCR" check stdlib-rules tests/rules --factors stdlib-rules/factors/all.csv

echo "== pcr test stdlib-rules"
"$PCR" test stdlib-rules tests/rules --factors stdlib-rules/factors/all.csv

echo "== pcr fmt --check"
"$PCR" fmt --check stdlib-rules tests/rules

if [ -f tests/lsp/run.sh ]; then
  echo "== language server end to end (pytest-lsp)"
  PCR_BIN="$PWD/target/debug/pcr" bash tests/lsp/run.sh
fi
