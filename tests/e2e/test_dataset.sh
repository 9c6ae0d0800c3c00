#!/usr/bin/env bash
# `vitrum dataset build` and `verify` on a tiny recipe: a given 50-atom periodic Ta model (written
# here, no sim, to stay fast) → specimen (a 6 Å sphere: the truth) → stem (linear model).
# Built twice into different folders, every file has the same SHA-256 (a rebuilt dataset has
# the same checksums); verify accepts both (exit 0), finds a corrupted byte and a deleted file
# (exit 3, naming the file), refuses a malformed manifest (exit 2); a non-empty --out is
# refused without --force (exit 2). Usage: test_dataset.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mkdir recipes
/usr/bin/python3 - <<'PY' || bad "making the model"
import numpy as np
rng = np.random.default_rng(7)
L, atoms = 12.0, []
while len(atoms) < 50:
    p = rng.uniform(0, L, 3)
    if all(np.linalg.norm((p - q + L / 2) % L - L / 2) >= 2.4 for q in atoms):
        atoms.append(p)
with open("recipes/glass.xyz", "w") as f:
    f.write('50\nLattice="12 0 0 0 12 0 0 0 12" Properties=species:S:1:pos:R:3 pbc="T T T"\n')
    for p in atoms:
        f.write("Ta %.4f %.4f %.4f\n" % tuple(p))
PY
cat >recipes/tiny.toml <<'TOML'
[dataset]
name = "tiny"
title = "A tiny Ta particle"
description = "Test dataset: a 6 Å Ta particle, linear-model tilt series."
files.tilt_series = "stem"
files.truth = "specimen"

[run]
seed = 3

[specimen]
inputs.model = "glass.xyz"
shape = "sphere"
particle.radius_A = 6.0
orientation = "fixed"

[stem]
model = "linear"
scan.step_A = 0.8
scan.margin_A = 3.0
linear.width_A = 0.8
tilt.min_deg = -60.0
tilt.max_deg = 60.0
tilt.count = 7
acquisition.dose_e_per_A2 = 1e4
TOML

# 1. Two builds into different folders (one from another working directory).
expect 0 "wrote 2 files" -- "$vitrum" --threads 2 dataset build recipes/tiny.toml --out a
mkdir elsewhere
(cd elsewhere && "$vitrum" --quiet --threads 1 dataset build ../recipes/tiny.toml --out ../b/tiny) \
  && ok || bad "second build failed"
for f in tilt_series.h5 truth.h5 README.md manifest.json; do
  [[ -s a/$f ]] && ok || bad "a/$f missing"
done
/usr/bin/python3 - a b/tiny <<'PY' && ok || bad "a rebuilt dataset has other checksums"
import json, hashlib, os, sys
ma, mb = (json.load(open(os.path.join(d, "manifest.json"))) for d in sys.argv[1:])
fa = {f["path"]: f["sha256"] for f in ma["files"]}
fb = {f["path"]: f["sha256"] for f in mb["files"]}
assert set(fa) == {"tilt_series.h5", "truth.h5", "README.md"}, fa
assert fa == fb, (fa, fb)
for d in sys.argv[1:]:
    for f in json.load(open(os.path.join(d, "manifest.json")))["files"]:
        assert hashlib.sha256(open(os.path.join(d, f["path"]), "rb").read()).hexdigest() == f["sha256"]
assert ma["seed"] == 3 and ma["name"] == "tiny" and "[dataset]" in ma["recipe"], ma
assert [s["name"] for s in ma["stages"]] == ["specimen", "stem"]
assert "radius_A = 6" in ma["stages"][0]["parameters"], ma["stages"][0]["parameters"]
PY
cmp -s a/manifest.json b/tiny/manifest.json && ok || bad "manifests differ"
# The recipe and its model moved to another folder: still the same bytes (no path is recorded).
mkdir -p moved/deeper && cp recipes/tiny.toml recipes/glass.xyz moved/deeper/
expect 0 "" -- "$vitrum" dataset build moved/deeper/tiny.toml --out m
for f in tilt_series.h5 truth.h5 README.md manifest.json; do
  cmp -s a/$f m/$f && ok || bad "$f differs when the recipe is in another folder"
done
grep -q "0 = amorphous" a/README.md && ok || bad "README lacks the truth labels"
grep -q "tilt_series.h5" a/README.md && ok || bad "README lacks the files"

# 2. verify: all good; a corrupted byte and a deleted file are found and named (exit 3).
expect 0 "OK +tilt_series.h5" -- "$vitrum" dataset verify a
cp -r b/tiny c
/usr/bin/python3 -c '
f = open("c/truth.h5", "r+b"); f.seek(200); b = f.read(1); f.seek(200); f.write(bytes([b[0] ^ 1]))'
expect 3 "CHANGED +truth.h5" -- "$vitrum" dataset verify c
expect 3 "changed in c: truth.h5" -- "$vitrum" dataset verify c
rm c/tilt_series.h5
expect 3 "MISSING +tilt_series.h5" -- "$vitrum" dataset verify c
touch b/tiny/notes.txt
expect 0 "EXTRA +notes.txt" -- "$vitrum" dataset verify b/tiny

# 3. A malformed or missing manifest is bad input (exit 2).
echo '{"files": [{"path": "x"}' >c/manifest.json
expect 2 "malformed manifest" -- "$vitrum" dataset verify c
echo '{"files": [{"path": "../x", "bytes": 1, "sha256": "'"$(printf 'a%.0s' {1..64})"'"}]}' \
  >c/manifest.json
expect 2 "leaves the folder" -- "$vitrum" dataset verify c
rm c/manifest.json
expect 2 "no manifest.json" -- "$vitrum" dataset verify c

# 4. A non-empty --out is refused without --force; with --force it is replaced (from the cache).
expect 2 "not empty.*--force" -- "$vitrum" dataset build recipes/tiny.toml --out c
expect 0 "" -- "$vitrum" dataset build recipes/tiny.toml --out a --force
[[ "$(/usr/bin/python3 -c 'import json; print(" ".join(s["status"] for s in json.load(open("a/.build/run/run.json"))["stages"]))')" \
  == "reused reused" ]] && ok || bad "a forced rebuild did not reuse the cache"
expect 0 "" -- "$vitrum" dataset verify a
ls -A . | grep -q '\.tmp-' && bad "a temporary folder was left" || ok

# 5. A bad recipe is refused before anything is written.
printf '[dataset]\nfiles.x = "tomo"\n' >>recipes/bad.toml
cat recipes/tiny.toml | sed '/^\[dataset\]/,/^$/d' >>recipes/bad.toml
expect 2 "no stage tomo" -- "$vitrum" dataset build recipes/bad.toml --out refused
[[ ! -e refused ]] && ok || bad "a refused recipe left a folder"

finish test_dataset
