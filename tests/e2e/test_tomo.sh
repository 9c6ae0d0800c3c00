#!/usr/bin/env bash
# `vitrum tomo` as a user runs it: a linear-model tilt series of a small particle from
# `vitrum stem`, reconstructed by RESIRE; the volume (EMD + MRC), its R₁ history and
# provenance are written, R₁ falls, and the brightest voxels sit on the atoms; bad input is
# refused. Usage: test_tomo.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cat > particle.xyz <<'XYZ'
24
Lattice="20 0 0 0 20 0 0 0 20" Properties=species:S:1:pos:R:3 pbc="F F F"
Ta 6.8 6.8 6.8
Ta 6.8 6.8 10.0
Ta 6.8 10.0 6.8
Ta 6.8 10.0 10.0
Ta 6.8 10.0 13.2
Ta 6.8 13.2 6.8
Ta 6.8 13.2 10.0
Ta 6.8 13.2 13.2
Ta 10.0 6.8 6.8
Ta 10.0 6.8 10.0
Ta 10.0 10.0 6.8
Ta 10.0 10.0 10.0
Ta 10.0 10.0 13.2
Ta 10.0 13.2 6.8
Ta 10.0 13.2 10.0
Ta 10.0 13.2 13.2
Ta 13.2 6.8 6.8
Ta 13.2 6.8 10.0
Ta 13.2 6.8 13.2
Ta 13.2 10.0 6.8
Ta 13.2 10.0 10.0
Ta 13.2 10.0 13.2
Ta 13.2 13.2 10.0
Ta 13.2 13.2 13.2
XYZ

# 1. A coarse (0.8 Å pixel) linear-model series of 13 tilts, ±60°, then 60 RESIRE iterations.
#    The linear model samples each atom's Gaussian at the pixel centres, so its width must be
#    about the pixel: at the default 0.19 Å the images alias (each tilt sees the atoms at other
#    sub-pixel offsets), no volume of 0.8 Å voxels fits them all, and R₁ stalls near 0.45.
if "$vitrum" --quiet stem --model particle.xyz --out tilts.h5 --set model=linear \
    --set scan.step_A=0.8 --set scan.margin_A=3 --set tilt.min_deg=-60 --set tilt.max_deg=60 \
    --set tilt.count=13 --set linear.width_A=0.8; then ok; else bad "stem failed"; fi
expect 0 "mean R₁" -- "$vitrum" tomo --tilts tilts.h5 --out volume.h5 --set iterations=60
[[ -s volume.mrc ]] && ok || bad "no volume.mrc beside volume.h5"
/usr/bin/python3 - volume.h5 particle.xyz <<'PY' && ok || bad "volume.h5 content"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
v = f["/data/volume/data"][...]
z, y, x = (f["/data/volume/dim%d" % a][...] for a in (1, 2, 3))
h = f["/tomo/r1_history"][...]
r1 = f["/tomo/r1_per_projection"][...]
assert v.ndim == 3 and v.shape[0] == v.shape[1] == v.shape[2], v.shape
assert len(h) == 61 and abs(h[0] - 1) < 1e-12 and h[-1] < 0.1, (h[0], h[-1])
# step = 2 overshoots and oscillates (damped) for ~10 iterations, then R₁ falls steadily.
assert np.all(np.diff(h[12:]) <= 1e-3 * h[12:-1]), "R1 rose"
assert r1.shape == (13,) and np.all(r1 < 0.5), r1
assert "iterations = 60" in f["/meta"].attrs["parameters"]
atoms = np.array([[float(t) for t in l.split()[1:4]] for l in open(sys.argv[2]).read().splitlines()[2:]])
# The 40 brightest voxels each lie within 1.2 Å (1.5 voxels) of an atom.
idx = np.argsort(v.ravel())[::-1][:40]
iz, iy, ix = np.unravel_index(idx, v.shape)
pos = np.stack([x[ix], y[iy], z[iz]], axis=1)
d = np.min(np.linalg.norm(pos[:, None, :] - atoms[None, :, :], axis=2), axis=1)
assert np.all(d < 1.2), d
# Every atom has a bright voxel (≥ 30 % of the maximum) within 1 Å.
for a in atoms:
    near = (np.abs(z[:, None, None] - a[2]) <= 1.0) & (np.abs(y[None, :, None] - a[1]) <= 1.0) & (np.abs(x[None, None, :] - a[0]) <= 1.0)
    assert v[near].max() >= 0.3 * v.max(), a
print("R1 %.4f -> %.4f, worst top-voxel distance %.2f A" % (h[0], h[-1], d.max()))
PY

# 2. Same bytes with 1 and 2 threads.
"$vitrum" --quiet --threads 1 tomo --tilts tilts.h5 --out t1.h5 --set iterations=5 && \
"$vitrum" --quiet --threads 2 tomo --tilts tilts.h5 --out t2.h5 --set iterations=5 && \
  /usr/bin/python3 - t1.h5 t2.h5 <<'PY' && ok || bad "1 and 2 threads differ"
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
for k in ("/data/volume/data", "/tomo/r1_history"):
    assert a[k][...].tobytes() == b[k][...].tobytes(), k
PY

# 3. Errors: bad parameter, missing file, a file without a tilt series.
expect 2 "iterations" -- "$vitrum" tomo --tilts tilts.h5 --out bad.h5 --set iterations=0
expect 2 "" -- "$vitrum" tomo --tilts missing.h5 --out bad.h5
expect 2 "" -- "$vitrum" tomo --tilts volume.h5 --out bad.h5
expect 0 "iterations" -- "$vitrum" config defaults tomo

finish test_tomo
