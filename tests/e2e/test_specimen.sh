#!/usr/bin/env bash
# `vitrum specimen` as a user runs it: from a small random periodic Ta "glass" (hard spheres,
# written here), a film with 20 % of its atoms in surface nuclei (seed 001's Ta film) and a
# particle with an explicit nucleus; the files hold the labels, the nuclei table and the label
# meaning, bcc nuclei have their √3/2·a neighbours, the same seed gives the same bytes, and bad
# input is refused with exit 2 naming the parameter. Usage: test_specimen.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Random sequential addition of 2.3 Å hard spheres, 0.05 Å⁻³, in a periodic 30 Å cube.
/usr/bin/python3 - <<'PY' || { echo "cannot write the glass" >&2; exit 1; }
import numpy as np
L, rho, d = 30.0, 0.05, 2.3
rng = np.random.default_rng(1)
pos = np.empty((0, 3))
while len(pos) < int(rho * L ** 3):
    r = rng.random(3) * L
    v = pos - r
    v -= L * np.round(v / L)
    if len(pos) == 0 or (v * v).sum(1).min() >= d * d:
        pos = np.vstack([pos, r])
for name, pbc in (("glass.xyz", "T T T"), ("finite.xyz", "F F F")):
    with open(name, "w") as f:
        f.write(f'{len(pos)}\nLattice="{L} 0 0 0 {L} 0 0 0 {L}" '
                f'Properties=species:S:1:pos:R:3 pbc="{pbc}"\n')
        f.writelines(f"Ta {x:.6f} {y:.6f} {z:.6f}\n" for x, y, z in pos)
PY

expect 0 'specimen' -- "$vitrum" --help
expect 0 'target_fraction = 0.2' -- "$vitrum" config defaults specimen
film=(--set shape=film --set film.thickness_A=20 --set nuclei.mode=fraction
      --set nuclei.target_fraction=0.2 --set nuclei.radius_min_A=5 --set nuclei.radius_max_A=8)
expect 0 'fraction of atoms in nuclei 0\.(19|2)' -- "$vitrum" --seed 5 specimen --model glass.xyz \
  --out film.h5 "${film[@]}"
mkdir again && (cd again && "$vitrum" --quiet --seed 5 specimen --model ../glass.xyz \
  --out film.h5 "${film[@]}") && ok || bad "second film run failed"
# The recorded command differs only in the model path, so compare the atoms and the table.
"$vitrum" --quiet --seed 6 specimen --model glass.xyz --out other.h5 "${film[@]}" && ok ||
  bad "film with another seed failed"
expect 0 '' -- "$vitrum" --quiet specimen --model glass.xyz --out particle.xyz \
  --set particle.radius_A=12 --set nuclei.mode=explicit --set 'nuclei.centres_A=[22,22,22]' \
  --set 'nuclei.radii_A=[7]'

/usr/bin/python3 - <<'PY' && ok || bad "specimen files"
import json, math
import h5py, numpy as np
from ase.io import read

def load(name):
    with h5py.File(name) as f:
        return {k: f["atoms/" + k][()] for k in ("positions", "Z", "cell", "pbc", "label")}, \
               {k: f["specimen/nuclei/" + k][()] for k in f["specimen/nuclei"]}, \
               dict(f["specimen"].attrs)

atoms, nuclei, attrs = load("film.h5")
assert list(atoms["pbc"]) == [1, 1, 0], atoms["pbc"]
assert attrs["label_meaning"].startswith("0 = amorphous"), attrs
assert attrs["shape"] == "film" and attrs["target_fraction"] == 0.2
lab = atoms["label"]
assert abs(attrs["crystalline_fraction"] - 0.2) < 0.03, attrs
assert abs((lab > 0).mean() - attrs["crystalline_fraction"]) < 1e-12
assert list(nuclei["label"]) == list(range(1, len(nuclei["label"]) + 1))
for k, n in zip(nuclei["label"], nuclei["atoms"]):
    assert (lab == k).sum() == n, (k, n)
z = atoms["positions"][:, 2]
assert z.min() >= 10.0 - 1e-9 and z.max() <= 30.0 + 1e-9, (z.min(), z.max())
assert np.allclose(nuclei["lattice_constant_A"], 3.30) and (nuclei["structure"] == 1).all()
# Surface nuclei: centres on a face of the film.
zc = nuclei["centre_A"][:, 2]
assert np.all(np.minimum(abs(zc - 10), abs(zc - 30)) < 1e-9), zc
# bcc: the nearest neighbour of every atom of the largest nucleus is at √3/2 · 3.30 Å
# (minimum image along x and y).
big = nuclei["label"][np.argmax(nuclei["atoms"])]
p = atoms["positions"][lab == big]
L = atoms["cell"][0, 0]
d = p[:, None, :] - p[None, :, :]
d[..., :2] -= L * np.round(d[..., :2] / L)
r = np.sqrt((d ** 2).sum(-1)) + np.eye(len(p)) * 1e9
assert np.allclose(r.min(1), math.sqrt(3) / 2 * 3.30, atol=1e-6), r.min(1)

again, nuclei2, _ = load("again/film.h5")
assert all(np.array_equal(atoms[k], again[k]) for k in atoms)
assert all(np.array_equal(nuclei[k], nuclei2[k]) for k in nuclei)
other, _, _ = load("other.h5")
assert len(other["Z"]) != len(atoms["Z"]) or not np.array_equal(other["positions"], atoms["positions"])

# .xyz: labels as a column (ASE reads it), the description in the JSON beside it.
m = read("particle.xyz", format="extxyz")
side = json.load(open("particle.xyz.specimen.json"))
assert side["label_meaning"].startswith("0 = amorphous") and len(side["nuclei"]) == 1
labels = m.arrays["label"]
assert (labels == 1).sum() == side["nuclei"][0]["atoms"] > 50
c = np.array(side["nuclei"][0]["centre_A"])
assert np.linalg.norm(m.positions[labels == 1] - c, axis=1).max() <= 7.0 + 1e-9
assert np.linalg.norm(m.positions - 22.0, axis=1).max() <= 12.0 + 1e-6
assert not m.pbc.any()
PY

# Bad input: exit 2 and a message naming the parameter or the file.
printf '0\nLattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 pbc="T T T"\n' >empty.xyz
expect 2 'error: .*(no atoms|empty|atoms)' -- "$vitrum" specimen --model empty.xyz --out s.h5
expect 2 'error: .*shape.*cube' -- "$vitrum" specimen --model glass.xyz --out s.h5 --set shape=cube
expect 2 'error: particle.radius_A = -1' -- "$vitrum" specimen --model glass.xyz --out s.h5 \
  --set particle.radius_A=-1
expect 2 'error: .*particle.radius_A' -- "$vitrum" specimen --model finite.xyz --out s.h5 \
  --set particle.radius_A=20
expect 2 'error: .*film.lateral' -- "$vitrum" specimen --model finite.xyz --out s.h5 \
  --set shape=film
expect 2 'error: .*nuclei.target_fraction.*unreachable' -- "$vitrum" specimen --model glass.xyz \
  --out s.h5 --set particle.radius_A=8 --set nuclei.mode=fraction --set nuclei.target_fraction=0.9 \
  --set nuclei.radius_min_A=6 --set nuclei.radius_max_A=6 --set nuclei.max_attempts=100
expect 2 'error: .*nuclei.target_fractio' -- "$vitrum" specimen --model glass.xyz --out s.h5 \
  --set nuclei.target_fractio=0.1
[[ ! -e s.h5 ]] && ok || bad "a refused run left s.h5"

finish test_specimen
