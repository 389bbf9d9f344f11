#!/usr/bin/env bash
# Seed the fuzz corpora (fuzz/corpus/<target>/) from the repository's rules
# and data, plans built by `pcr build`, and a few structured-input seeds.
# Idempotent: seeds are named by content, existing corpus files are kept.
#
#   fuzz/seed.sh            seed every target
#   PCR=path/to/pcr fuzz/seed.sh   use that pcr binary instead of `cargo run`
#
# Needs bash, python3 (structured seeds and data from worked examples) and,
# for plans, a pcr binary or cargo. Nothing here is committed: corpora live
# in fuzz/corpus/ (ignored by git).
set -euo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$FUZZ")"
CORPUS="$FUZZ/corpus"
cd "$ROOT"

# Put a seed in a corpus under a content-derived name.
put() { # put TARGET FILE
  local target="$1" file="$2" sum
  mkdir -p "$CORPUS/$target"
  sum=$(sha1sum "$file" | cut -c1-40)
  cp "$file" "$CORPUS/$target/$sum"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "seed: rules"
rules=$(find stdlib-rules tests/rules tests/ui tests/lsp -name '*.pcr' | sort)
for f in $rules; do
  for t in parse check format; do put "$t" "$f"; done
done

echo "seed: plans (pcr build)"
if [ -z "${PCR:-}" ]; then
  cargo build -q -p pcr
  PCR="${CARGO_TARGET_DIR:-$ROOT/target}/debug/pcr"
fi
mkdir -p "$tmp/plans"
for f in $(find stdlib-rules/sectors tests/rules -name '*.pcr' | sort); do
  out="$tmp/plans/$(basename "$f" .pcr).json"
  if "$PCR" build "$f" -o "$out" >/dev/null 2>&1; then
    put plan_json "$out"
  fi
done

if ! command -v python3 >/dev/null; then
  echo "seed: python3 not found: structured seeds and example data skipped"
  exit 0
fi

echo "seed: activity data and structured seeds"
python3 - "$tmp" "$CORPUS" <<'PY'
import hashlib, json, os, struct, sys, glob

tmp, corpus = sys.argv[1], sys.argv[2]

def put(target, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

def choice(i, n):
    # `arbitrary` picks enum variant (u32 * n) >> 32: the smallest u32 for variant i.
    return struct.pack("<I", -(-(i << 32) // n))

# Plans are chosen by a selector byte; the fuzzer's plan list is built from
# the same rules, so every selector up to this many is seeded.
SELECTORS = 32

def value_in_unit(kind, v):
    if kind.get("type") == "quantity" and isinstance(v, (int, float)):
        return "%r %s" % (v / kind["factor"], kind["unit"])
    if kind.get("type") == "list" and isinstance(v, list):
        fields = {f["name"]: f["kind"] for f in kind["fields"]}
        return [{k: value_in_unit(fields.get(k, {}), x) for k, x in e.items()} for e in v]
    return v

def csv_cell(v):
    s = v if isinstance(v, str) else json.dumps(v)
    if any(c in s for c in ',"\n\r'):
        s = '"' + s.replace('"', '""') + '"'
    return s

for path in sorted(glob.glob(os.path.join(tmp, "plans", "*.json"))):
    plan = json.load(open(path))
    kinds = {i["name"]: i["kind"] for i in plan["inputs"]}
    for ex in plan.get("examples", []):
        given = {k: value_in_unit(kinds[k], v) for k, v in ex.get("given", {}).items() if k in kinds}
        data = json.dumps(given, ensure_ascii=False).encode()
        header = ["id"] + list(given)
        row = ["p1"] + [csv_cell(v) for v in given.values()]
        rows = (",".join(header) + "\n" + ",".join(row) + "\n").encode()
        for s in range(SELECTORS):
            put("data_json", bytes([s]) + data)
            put("data_csv", bytes([s, s % 16]) + rows)
        break

for f in ["tests/data/coil.json", "tests/data/coil_bad.json"]:
    data = open(f, "rb").read()
    for s in range(SELECTORS):
        put("data_json", bytes([s]) + data)
rows = open("tests/data/coil_batch.csv", "rb").read()
for s in range(SELECTORS):
    put("data_csv", bytes([s, 0]) + rows)
    put("data_csv", bytes([s, 1]) + rows)

# Hostile rules: 0, then shape, place, atom (u32 each), size (u32), twist.
SHAPES, PLACES, ATOMS = 29, 8, 8
sizes = [1, 300, 5000]
for shape in range(SHAPES):
    for k, size in enumerate(sizes):
        seed = (b"\0" + choice(shape, SHAPES) + choice((shape + k) % PLACES, PLACES)
                + choice(k % ATOMS, ATOMS) + struct.pack("<I", size) + b"x")
        for t in ("parse", "check", "format", "lsp_messages"):
            put(t, seed)

# Hostile data: selector | 0x80, then shape, magnitude (u32 each), size (u32), bom, units, ragged.
DSHAPES, MAGS = 8, 9
for shape in range(DSHAPES):
    for k, size in enumerate([1, 300, 70_000]):
        body = choice(shape, DSHAPES) + choice((shape + k) % MAGS, MAGS) + struct.pack("<I", size) + b"\0\1\3\1\7"
        for s in range(0, SELECTORS, 4):
            put("data_json", bytes([0x80 | s]) + body)
            put("data_csv", bytes([0x80 | s, k]) + body)

# Hostile plans: 0, then the plan selector and a few mutations.
for s in range(SELECTORS):
    put("plan_json", bytes([0, s]) + bytes([1, 0, 2, 0, 3, 0]) + b"\0\0\0\0")
PY
for t in parse check format data_json data_csv plan_json lsp_messages; do
  printf 'seed: %-13s %5d inputs\n' "$t" "$(ls "$CORPUS/$t" 2>/dev/null | wc -l)"
done
