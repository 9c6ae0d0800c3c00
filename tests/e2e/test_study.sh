#!/usr/bin/env bash
# `vitrum study` as a user runs it, on a toy study: the 60-atom Ta particle of common.sh →
# stem (linear) → tomo → trace → score, sweeping two tomo iteration counts × 2 seeds (no sim,
# to stay fast). The tables, HDF5 file and plots are written; the stem stage of a seed is
# reused from the cache by the second point; a re-run skips every point; a lost marker
# re-runs only its point; a bad sweep key is refused (exit 2) before anything runs; a failing
# point is recorded and the study goes on; the shipped studies pass --check (they are too long
# to run here). Usage: test_study.sh <vitrum>
set -uo pipefail
vitrum=$1
studies="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../studies" && pwd)"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ta_particle
cat >toy.toml <<'EOF'
[run]
seed = 5

[stem]
inputs.model = "particle.xyz"
model = "linear"
scan.step_A = 0.5
scan.margin_A = 3.0
linear.width_A = 0.5
tilt.min_deg = -70.0
tilt.max_deg = 70.0
tilt.count = 15
acquisition.dose_e_per_A2 = 2e4

[tomo]
iterations = 30

[trace]
species = ["Ta"]

[score]

[study]
name = "toy"
repeats = 2

[[study.sweep]]
key = "tomo.iterations"
values = [10, 40]
EOF

# rows FILE: the number of data rows of a CSV file.
rows() { echo $(($(wc -l <"$1") - 1)); }

# 1. A first run: 2 points × 2 seeds.
expect 0 "4 to run" -- "$vitrum" --threads 1 study toy.toml
out=runs/toy
# Repeat by repeat: both points with the first seed before either with the second.
[[ "$(grep -oE 'study run [0-9]/4 p00[0-9]_r[0-9]: tomo' "$work/stderr" | awk '{print $4}' | tr -d ':' | tr '\n' ' ')" \
   == "p000_r0 p001_r0 p000_r1 p001_r1 " ]] && ok || bad "runs not in repeat-major order"
[[ -s $out/results.csv && $(rows $out/results.csv) -eq 4 ]] && ok || bad "results.csv rows"
[[ -s $out/summary.csv && $(rows $out/summary.csv) -eq 2 ]] && ok || bad "summary.csv rows"
/usr/bin/python3 - $out <<'PY' && ok || bad "results.csv / summary.csv content"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/results.csv")))
assert [r["id"] for r in rows] == ["p000_r0", "p000_r1", "p001_r0", "p001_r1"], rows
assert [r["seed"] for r in rows] == ["5", "6", "5", "6"], rows
assert [r["tomo.iterations"] for r in rows] == ["10", "10", "40", "40"], rows
for r in rows:
    assert r["status"] == "ok", r
    assert 0 <= float(r["recall@1.0A"]) <= 1 and float(r["truth_atoms"]) == 60, r
summary = list(csv.DictReader(open(sys.argv[1] + "/summary.csv")))
assert [s["tomo.iterations"] for s in summary] == ["10", "40"] and summary[0]["n_ok"] == "2"
for s, pair in zip(summary, (rows[:2], rows[2:])):
    mean = sum(float(r["recall@1.0A"]) for r in pair) / 2
    assert abs(float(s["recall@1.0A_mean"]) - mean) < 1e-9, (s, mean)
    assert s["recall@1.0A_sd"] != ""
PY
/usr/bin/python3 - $out <<'PY' && ok || bad "results.h5"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1] + "/results.h5", "r") as f:
    assert list(f["/results/point"][:]) == [0, 0, 1, 1]
    assert list(f["/results/tomo.iterations"][:]) == [10, 10, 40, 40]
    assert f["/results/recall@1.0A"].shape == (4,) and np.all(f["/results/ok"][:] == 1)
    assert f["/summary/recall@1.0A_mean"].shape == (2,)
    assert f["/results"].attrs["status"] == "ok\nok\nok\nok"
    assert "seed" in f["/meta"].attrs and "study" in f["/meta"].attrs["parameters"]
PY
for png in $out/plots/recall@1.0A_vs_tomo.iterations.png $out/plots/rmsd_pm_vs_tomo.iterations.png; do
  [[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] && ok \
    || bad "$png is not a PNG"
done
# The second point of each seed changes tomo only: its stem stage came from the cache.
/usr/bin/python3 - $out <<'PY' && ok || bad "stem not reused across points"
import json, sys
s = json.load(open(sys.argv[1] + "/study.json"))
assert s["ran"] == 4 and s["failed"] == 0 and s["stages_reused"] == 2, s
for seed_run in ("p001_r0", "p001_r1"):
    r = json.load(open(sys.argv[1] + "/points/" + seed_run + "/run.json"))
    assert [x["status"] for x in r["stages"]] == ["reused", "ran", "ran", "ran"], r["stages"]
PY
cp $out/results.csv first.csv

# 2. A re-run skips every point and gives the same table.
expect 0 "4 already done \(skipped\), 0 to run" -- "$vitrum" study toy.toml
cmp -s first.csv $out/results.csv && ok || bad "re-run changed results.csv"

# 3. An interrupted study (simulated: one marker lost) re-runs only that point.
rm $out/points/p001_r1/row.json
expect 0 "3 already done \(skipped\), 1 to run" -- "$vitrum" study toy.toml
grep -q "p001_r1: tomo.iterations=40, seed 6" stderr && ok || bad "p001_r1 not re-run"
[[ $(rows $out/results.csv) -eq 4 ]] && ok || bad "resumed results.csv rows"
cmp -s first.csv $out/results.csv && ok || bad "resumed results.csv differs"

# 4. Refused before anything runs (exit 2, no study folder): a bad key, a stage the chain
#    lacks, a bad value at one point only.
sed 's/key = "tomo.iterations"/key = "tomo.iteration"/' toy.toml >bad.toml
expect 2 "tomo.iteration.*did you mean.*iterations" -- "$vitrum" study bad.toml --out refused
sed 's/key = "tomo.iterations"/key = "stemm.tilt.count"/' toy.toml >bad.toml
expect 2 "sweep key stemm.tilt.count: the chain has no stage \[stemm\]" \
  -- "$vitrum" study bad.toml --out refused
sed 's/values = \[10, 40\]/values = [10, -1]/' toy.toml >bad.toml
expect 2 "study point p001 \(tomo.iterations=-1\)" -- "$vitrum" study bad.toml --out refused
[[ ! -e refused ]] && ok || bad "a refused study left a folder"

# 5. A failing point (a model file stem cannot read) is recorded with its status and log; the
#    other point still runs and the study exits 1.
echo "not a model" >broken.xyz
sed -e 's/^repeats = 2/repeats = 1/' -e 's/key = "tomo.iterations"/key = "stem.inputs.model"/' \
  -e 's/values = \[10, 40\]/values = ["particle.xyz", "broken.xyz"]/' toy.toml >fail.toml
expect 1 "1 of 2 study runs failed" -- "$vitrum" study fail.toml --out failing
/usr/bin/python3 - failing <<'PY' && ok || bad "failed point not recorded"
import csv, os, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/results.csv")))
assert [r["status"] for r in rows] == ["ok", "failed: stem (exit 2)"], rows
assert rows[1]["log"].endswith("stem.log") and os.path.isfile(rows[1]["log"]), rows[1]
assert rows[1]["recall@1.0A"] == "" and rows[0]["recall@1.0A"] != "", rows
PY
[[ -s failing/summary.csv && -s failing/results.h5 ]] && ok || bad "failing study's tables"

# 6. The shipped studies load and validate every point (--check runs nothing).
expect 0 "12 points x 2 repeats = 24 runs" -- "$vitrum" study --check "$studies/pd_dose_tilts.toml"
expect 0 "3 points x 3 repeats = 9 runs" -- "$vitrum" study --check \
  "$studies/ta_precision_seed001.toml"
[[ ! -e runs/pd-dose-tilts && ! -e runs/ta-precision-seed001 ]] && ok || bad "--check wrote"

finish test_study
