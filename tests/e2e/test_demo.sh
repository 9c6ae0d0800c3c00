#!/usr/bin/env bash
# `vitrum demo --quick`: the AET chain end to end on the embedded pipeline at its toy size. The
# run folder and report.html are written, the report's images exist, the scorecard is printed
# with recall and precision at 1 Å above the floors below, a second run reuses every stage from
# the cache, and the same seed gives the same models, tilt series, volume and scores with 1 and
# 2 threads. Usage: test_demo.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Floors for the quick demo (~110 Ta atoms, 21 tilts, 2·10⁴ e/Å², 0.5 px random shifts,
# alignment, 60 RESIRE iterations): it finds every atom today; the floors leave room for
# algorithm changes that trade a few atoms.
recall_floor=0.9
precision_floor=0.9

if "$vitrum" --threads 1 demo --quick --out one >one.out 2>one.err; then ok
else bad "vitrum demo --quick failed: $(tail -5 one.err)"; fi
grep -q '^report: one/report.html$' one.out && ok || bad "the report's path is not printed: $(tail -3 one.out)"
for f in run.json pipeline.toml pipeline.resolved.toml report.html sim/model.h5 specimen/specimen.h5 \
    stem/tilts.h5 tomo/volume.h5 trace/traced.h5 score/scorecard.json; do
  [[ -s one/$f ]] && ok || bad "one/$f is missing"
done
# Every image the report shows is a file beside it, and every local link resolves.
/usr/bin/python3 - one/report.html <<'PY' && ok || bad "report.html references missing files"
import pathlib, re, sys
report = pathlib.Path(sys.argv[1])
html = report.read_text(encoding="utf-8")
images = re.findall(r'<img src="([^"]+)"', html)
assert len(images) >= 3, images
links = re.findall(r'href="([^"#:]+)"', html)
for ref in images + links:
    assert (report.parent / ref).is_file(), ref
for section in ("What was run", "Scorecard", "Structure: truth and traced model", "R₁ history"):
    assert section in html, section
PY
# The scorecard table on stdout, and the floors.
grep -qE '^recall@1\.0A +[0-9.]+' one.out && ok || bad "no scorecard table printed: $(cat one.out)"
/usr/bin/python3 - one/score/scorecard.json "$recall_floor" "$precision_floor" <<'PY' && ok || bad "scores below the floors"
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
print("quick demo: recall@1.0A %.3f precision@1.0A %.3f rmsd %.1f pm r1 %.3f atoms %d" %
      (m["recall@1.0A"], m["precision@1.0A"], m["rmsd_pm"], m["r1"], m["truth_atoms"]))
assert m["truth_atoms"] > 50, m
assert m["recall@1.0A"] >= float(sys.argv[2]), m
assert m["precision@1.0A"] >= float(sys.argv[3]), m
PY

# A second run reuses every stage from the cache.
if "$vitrum" --threads 1 demo --quick --out one >again.out 2>again.err; then ok
else bad "the second demo run failed: $(tail -5 again.err)"; fi
/usr/bin/python3 - one/run.json <<'PY' && ok || bad "the second run did not reuse every stage"
import json, sys
stages = json.load(open(sys.argv[1]))["stages"]
assert len(stages) == 6 and all(s["status"] == "reused" for s in stages), stages
PY

# Same seed, 2 threads, another folder: the same numbers. Files differ only in their recorded
# command lines (--threads), so the data sets and the scorecard's metrics and details are compared.
if "$vitrum" --quiet demo --quick --out two --threads 2 >two.out 2>two.err; then ok
else bad "vitrum demo --threads 2 failed: $(tail -5 two.err)"; fi
/usr/bin/python3 - one two <<'PY' && ok || bad "1 and 2 threads gave different results"
import json, sys
import h5py, numpy as np
a, b = sys.argv[1], sys.argv[2]
for f in ("sim/model.h5", "specimen/specimen.h5", "stem/tilts.h5", "tomo/volume.h5", "trace/traced.h5"):
    with h5py.File(f"{a}/{f}", "r") as x, h5py.File(f"{b}/{f}", "r") as y:
        names = []
        x.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        for n in names:
            assert np.array_equal(x[n][()], y[n][()]), f"{f}:{n} differs"
sa, sb = (json.load(open(f"{d}/score/scorecard.json")) for d in (a, b))
assert sa["metrics"] == sb["metrics"], "scorecard metrics differ"
assert sa["details"] == sb["details"], "scorecard details differ"
PY
# --set reaches the embedded pipeline; a bad key is refused before anything is written.
expect 2 'did you mean' -- "$vitrum" demo --quick --out bad --set tomo.iteration=5
[[ ! -e bad ]] && ok || bad "a rejected demo created its folder"
finish demo
