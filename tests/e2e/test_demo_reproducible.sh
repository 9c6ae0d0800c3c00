#!/usr/bin/env bash
# The demo runs end to end, its self-consistency checks hold, and the same seed gives the
# same bytes in every output with 1 and 2 threads. Usage: test_demo_reproducible.sh <vitrum>
set -euo pipefail
vitrum=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/one" "$work/two"
(cd "$work/one" && "$vitrum" --quiet --threads 1 demo --out out --seed 7)
(cd "$work/two" && "$vitrum" demo --out out --seed 7 --threads 2 2>/dev/null)
passed=0
failed=0
for f in "$work"/one/out/*; do
  name=$(basename "$f")
  if cmp -s "$f" "$work/two/out/$name"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $name differs between 1 and 2 threads" >&2; fi
done
[[ $passed -ge 9 ]] || { echo "FAIL: expected at least 9 outputs, found $passed" >&2; failed=$((failed + 1)); }
# Projections conserve ΣZⁿ and the density volume integrates to the atom count (float32 sums).
/usr/bin/python3 - "$work/one/out/scorecard.json" <<'PY' && passed=$((passed + 1)) || failed=$((failed + 1))
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
assert m["atoms"] > 100, m
assert abs(m["projection_integral_max_rel_error"]) < 1e-5, m
assert abs(m["volume_atom_count_rel_error"]) < 1e-5, m
assert abs(m["wavelength_A"] - 0.019687) < 1e-6, m
PY
echo "demo: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
