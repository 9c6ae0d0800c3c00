#!/usr/bin/env bash
# `vitrum tomo` with the baselines and with angle refinement, as a user runs it: a linear-model
# tilt series of a small amorphous particle from `vitrum stem`, reconstructed by SIRT and by WBP
# (the method is recorded, R₁ falls, the brightest voxels sit on atoms, WBP's densities match
# SIRT's), and a series with angle errors (`acquisition.angle_error_sigma_deg`) reconstructed by
# RESIRE after angle refinement, whose refined angles are checked against the tilt file's
# `/truth/angle_error_deg` (the test may read truth; vitrum tomo does not).
# Usage: test_tomo_methods.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# 60 Ta atoms at least 2.6 Å apart in a ball of radius 7 Å about (15, 15, 15), from a fixed
# seed, so no symmetry makes an angle ambiguous.
/usr/bin/python3 - <<'PY' || bad "particle"
import numpy as np
rng = np.random.RandomState(5)
atoms = []
while len(atoms) < 60:
    p = rng.uniform(-7, 7, 3)
    if np.linalg.norm(p) <= 7 and all(np.linalg.norm(p - q) >= 2.6 for q in atoms):
        atoms.append(p)
with open("particle.xyz", "w") as f:
    f.write('%d\nLattice="30 0 0 0 30 0 0 0 30" Properties=species:S:1:pos:R:3 pbc="F F F"\n' % len(atoms))
    for p in atoms:
        f.write("Ta %.4f %.4f %.4f\n" % tuple(p + 15.0))
PY

stem=(--set model=linear --set scan.step_A=0.8 --set scan.margin_A=3 --set linear.width_A=0.8)

# 1. SIRT and WBP on 36 tilts covering 180° in 5° steps (WBP's densities are only right when
#    the views cover the period: with a ±60° wedge its integral is ≈ 125/180 of the object's).
"$vitrum" --quiet stem --model particle.xyz --out tilts.h5 "${stem[@]}" --set tilt.min_deg=-90 \
    --set tilt.max_deg=85 --set tilt.count=36 && ok || bad "stem failed"
expect 0 "mean R₁" -- "$vitrum" tomo --tilts tilts.h5 --out sirt.h5 --set method=sirt \
    --set iterations=60
expect 0 "mean R₁" -- "$vitrum" tomo --tilts tilts.h5 --out wbp.h5 --set method=wbp
/usr/bin/python3 - sirt.h5 wbp.h5 particle.xyz tilts.h5 <<'PY' && ok || bad "sirt/wbp content"
import sys, h5py, numpy as np
atoms = np.array([[float(t) for t in l.split()[1:4]] for l in open(sys.argv[3]).read().splitlines()[2:]])
# The object's integral from the data: each image integrates to it (mass conservation).
t = h5py.File(sys.argv[4], "r")
b = t["/data/tilt_series/data"][...].astype(float)
px = np.diff(t["/data/tilt_series/dim3"][...])[0]
mass = b.sum(axis=(1, 2)).mean() * px * px
vols = {}
for path, method in zip(sys.argv[1:3], ("sirt", "wbp")):
    f = h5py.File(path, "r")
    assert f["/tomo"].attrs["method"] == method, f["/tomo"].attrs["method"]
    assert "/tomo/euler_refined_deg" not in f
    v = f["/data/volume/data"][...]
    z, y, x = (f["/data/volume/dim%d" % a][...] for a in (1, 2, 3))
    h = f["/tomo/r1_history"][...]
    if method == "sirt":
        assert len(h) == 61 and h[0] == 1.0 and np.all(np.diff(h) <= 1e-6), h
        assert h[-1] < 0.15, h[-1]
    else:
        assert len(h) == 1 and h[0] < 0.5, h
    # The 60 brightest voxels each lie within 1.2 Å of an atom.
    idx = np.argsort(v.ravel())[::-1][:60]
    iz, iy, ix = np.unravel_index(idx, v.shape)
    pos = np.stack([x[ix], y[iy], z[iz]], axis=1)
    d = np.min(np.linalg.norm(pos[:, None, :] - atoms[None, :, :], axis=2), axis=1)
    assert np.all(d < 1.2), (method, d)
    ratio = v.sum() * (z[1] - z[0]) ** 3 / mass
    print("%s: R1 %.4f, worst top-voxel distance %.2f A, integral / data %.4f"
          % (method, h[-1], d.max(), ratio))
    # Densities in the data's own units: the volume integrates to the images' integral.
    # (WBP: measured 1.04; the box corners outside the cylinder all views see add a few %.)
    assert abs(ratio - 1) < 0.08, ratio
PY

# 2. Angle errors of σ = 0.7° on every Euler angle, 31 tilts over ±75°: RESIRE after 6 rounds of
#    refinement of all three angles (±1° in 0.25° steps about the current angles each round).
"$vitrum" --quiet --seed 3 stem --model particle.xyz --out errors.h5 "${stem[@]}" \
    --set tilt.min_deg=-75 --set tilt.max_deg=75 --set tilt.count=31 \
    --set acquisition.angle_error_sigma_deg=0.7 && ok || bad "stem with angle errors failed"
expect 0 "angle refinement round 6/6" -- "$vitrum" tomo --tilts errors.h5 --out refined.h5 \
    --set iterations=60 --set refine_angles.rounds=6 --set 'refine_angles.range_deg=[1,1,1]'
expect 0 "" -- "$vitrum" --quiet tomo --tilts errors.h5 --out plain.h5 --set iterations=240
/usr/bin/python3 - errors.h5 refined.h5 plain.h5 <<'PY' && ok || bad "refined angles"
import sys, h5py, numpy as np
t = h5py.File(sys.argv[1], "r")
r = h5py.File(sys.argv[2], "r")
p = h5py.File(sys.argv[3], "r")
err = t["/truth/angle_error_deg"][...]
nominal = t["/data/tilt_series/euler_deg"][...]
refined = r["/tomo/euler_refined_deg"][...]
offset = r["/tomo/euler_offset_deg"][...]
assert r["/tomo"].attrs["method"] == "resire"
assert refined.shape == offset.shape == err.shape == (31, 3)
assert np.allclose(refined, nominal + offset)
# The mean of each angle's error is a rotation of the object the data cannot see (gauge).
truth = err - err.mean(axis=0)
before = np.sqrt(np.mean(truth ** 2, axis=0))
after = np.sqrt(np.mean((offset - truth) ** 2, axis=0))
print("angle error rms (phi, theta, psi) before", np.round(before, 3), "after", np.round(after, 3))
print("theta worst after %.3f deg" % np.abs(offset - truth)[:, 1].max())
print("R1 with refinement %.4f, without (same total RESIRE iterations) %.4f"
      % (r["/tomo/r1_history"][-1], p["/tomo/r1_history"][-1]))
# Measured rms (φ, θ, ψ) 0.64, 0.73, 0.64° → 0.21, 0.33, 0.23°: θ is the hardest (a θ error is
# partly absorbed by the reconstruction of each y-slice), and the linear model's point-sampled
# Gaussians differ from the projector's bilinear splat by more than a 0.1° rotation does.
assert np.all(after < 0.6 * before) and after[1] < 0.45, (before, after)
assert r["/tomo/r1_history"][-1] < 0.7 * p["/tomo/r1_history"][-1]
PY

# 3. Bad input: an unknown method, WBP of a series with general Euler angles.
expect 2 "method" -- "$vitrum" tomo --tilts tilts.h5 --out bad.h5 --set method=art
"$vitrum" --quiet stem --model particle.xyz --out general.h5 "${stem[@]}" \
    --set 'tilt.euler_deg=[0,0,0, 30,20,10, -30,40,0]' && ok || bad "stem general angles"
expect 2 "single tilt axis" -- "$vitrum" tomo --tilts general.h5 --out bad.h5 --set method=wbp
expect 0 "range_deg" -- "$vitrum" config defaults tomo

finish test_tomo_methods
