#!/usr/bin/env bash
# End-to-end tests of `pcr lsp` with pytest-lsp.
#   VENV     the virtual environment to use/create (default: .venv at the repository root)
#   PCR_BIN  the pcr binary (default: target/debug/pcr, relative to the repository root)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${VENV:-$root/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
export PCR_BIN="${PCR_BIN:-target/debug/pcr}"
case "$PCR_BIN" in
    /*) ;;
    *) PCR_BIN="$root/$PCR_BIN" ;;
esac
if [ ! -x "$PCR_BIN" ]; then
    echo "tests/lsp/run.sh: no pcr binary at $PCR_BIN (run cargo build first)" >&2
    exit 2
fi
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" "$here"
