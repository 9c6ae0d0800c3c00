#!/usr/bin/env bash
# `vitrum tomo` with preprocessing (inverse/preprocess): a linear-model tilt series of a small
# particle whose projections `vitrum stem` shifted at random (truth under /truth/shift_px), with
# Poisson noise and a constant background, has its background subtracted and is aligned by
# centre of mass + common line before RESIRE. The shifts written under /preprocess/shift_px
# match the truth to < 0.5 px RMS, and R₁ is lower with alignment than without; the defaults
# leave an aligned series alone; bad keys are refused.
# Usage: test_align.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# A 27-atom Ta particle: a 3×3×3 cube of 3.2 Å with one corner atom moved off the lattice, so
# no projection is symmetric.
{
  echo 27
  echo 'Lattice="20 0 0 0 20 0 0 0 20" Properties=species:S:1:pos:R:3 pbc="F F F"'
  for x in 6.8 10.0 13.2; do for y in 6.8 10.0 13.2; do for z in 6.8 10.0 13.2; do
    if [[ $x == 13.2 && $y == 13.2 && $z == 13.2 ]]; then echo "Ta 14.0 13.6 15.2"
    else echo "Ta $x $y $z"; fi
  done; done; done
} > particle.xyz

# 13 tilts over ±60° at 0.8 Å; a 6 Å margin keeps the particle clear of the edges for shifts of
# σ = 1.2 px (the Fourier shift of the alignment is periodic).
stem_args=(--model particle.xyz --set model=linear --set scan.step_A=0.8 --set scan.margin_A=6
           --set tilt.min_deg=-60 --set tilt.max_deg=60 --set tilt.count=13
           --set linear.width_A=0.8)
# 2×10⁴ e/Å² gives ≈ 240 counts at an atom column over a background of 20 counts.
if "$vitrum" --quiet --seed 3 stem "${stem_args[@]}" --out shifted.h5 \
    --set acquisition.shift_sigma_px=1.2 --set acquisition.dose_e_per_A2=2e4 \
    --set acquisition.background_counts=20; then ok; else bad "stem (shifted) failed"; fi
if "$vitrum" --quiet stem "${stem_args[@]}" --out aligned.h5; then ok; else bad "stem failed"; fi

# 1. Reconstruct the shifted series with and without alignment (background subtracted in both,
#    so R₁ is measured against the same kind of images).
expect 0 "aligned in" -- "$vitrum" tomo --tilts shifted.h5 --out with.h5 --set iterations=60 \
  --set preprocess.background=laplace --set preprocess.align=com+common_line
expect 0 "background subtracted" -- "$vitrum" tomo --tilts shifted.h5 --out without.h5 \
  --set iterations=60 --set preprocess.background=laplace
/usr/bin/python3 - shifted.h5 with.h5 without.h5 <<'PY' && ok || bad "alignment vs truth"
import sys, h5py, numpy as np
truth = h5py.File(sys.argv[1], "r")["/truth/shift_px"][...]
w, wo = (h5py.File(p, "r") for p in sys.argv[2:4])
applied = w["/preprocess/shift_px"][...]
assert applied.shape == truth.shape == (13, 2), (applied.shape, truth.shape)
assert np.all(wo["/preprocess/shift_px"][...] == 0)
# `vitrum stem` scans pixel i at (i + shift)·step: the content moves by −shift, and the
# alignment, which translates content back, applies +shift. A translation common to all
# projections only moves the reconstruction and is not recoverable: remove the mean.
# Threshold 0.5 px RMS (0.4 Å, half an atom's image width here): beyond it RESIRE visibly
# smears atoms, and the error sources — Poisson noise in the centres of mass and profiles, the
# linear model's point sampling of ~1 px wide atoms (not an exact translation of the image),
# the Fourier shift's periodic wrap — stay far below it (measured 0.02 px).
d = applied - truth
residual = d - d.mean(axis=0)
rms = np.sqrt(np.mean(residual ** 2))
r1_with, r1_without = w["/tomo/r1_history"][-1], wo["/tomo/r1_history"][-1]
print("truth RMS %.3f px; residual RMS %.3f px (x %.3f, y %.3f), worst %.3f px, offset (%.3f, %.3f) px"
      % (np.sqrt(np.mean((truth - truth.mean(axis=0)) ** 2)), rms,
         np.sqrt(np.mean(residual[:, 0] ** 2)), np.sqrt(np.mean(residual[:, 1] ** 2)),
         np.abs(residual).max(), *d.mean(axis=0)))
print("R1 after 60 iterations: %.4f aligned, %.4f unaligned" % (r1_with, r1_without))
assert rms < 0.5, rms
assert r1_with < r1_without, (r1_with, r1_without)
PY

# 2. Slow-axis drift: σ = 0.01 px/line (0.35 px over a frame), noiseless. The y drift is
#    measured from the common line against the series' mean, so only drift relative to the
#    mean is recoverable.
if "$vitrum" --quiet --seed 4 stem "${stem_args[@]}" --out drift.h5 \
    --set acquisition.drift_sigma_px_per_line=0.01; then ok; else bad "stem (drift) failed"; fi
expect 0 "drift corrected" -- "$vitrum" tomo --tilts drift.h5 --out drift_with.h5 \
  --set iterations=60 --set preprocess.drift=y
expect 0 "mean R₁" -- "$vitrum" tomo --tilts drift.h5 --out drift_without.h5 --set iterations=60
/usr/bin/python3 - drift.h5 drift_with.h5 drift_without.h5 <<'PY' && ok || bad "drift vs truth"
import sys, h5py, numpy as np
truth = h5py.File(sys.argv[1], "r")["/truth/drift_px_per_line"][...][:, 1]
w, wo = (h5py.File(p, "r") for p in sys.argv[2:4])
est = w["/preprocess/drift_px_per_line"][...]
assert np.all(est[:, 0] == 0)  # mode y leaves x alone
err = est[:, 1] - (truth - truth.mean())
rms, spread = np.sqrt(np.mean(err ** 2)), np.sqrt(np.mean((truth - truth.mean()) ** 2))
r1_with, r1_without = w["/tomo/r1_history"][-1], wo["/tomo/r1_history"][-1]
print("y drift: truth spread %.4f px/line, error RMS %.5f px/line; R1 %.4f corrected, %.4f not"
      % (spread, rms, r1_with, r1_without))
assert rms < 0.002 and rms < 0.3 * spread, (rms, spread)
assert r1_with < r1_without, (r1_with, r1_without)
PY

# 3. An aligned, noiseless series: the defaults apply nothing, and alignment moves little.
expect 0 "" -- "$vitrum" tomo --tilts aligned.h5 --out plain.h5 --set iterations=5
expect 0 "aligned in" -- "$vitrum" tomo --tilts aligned.h5 --out realigned.h5 --set iterations=5 \
  --set preprocess.align=com+common_line
/usr/bin/python3 - plain.h5 realigned.h5 <<'PY' && ok || bad "aligned series"
import sys, tomllib, h5py, numpy as np
p, r = (h5py.File(f, "r") for f in sys.argv[1:3])
assert np.all(p["/preprocess/shift_px"][...] == 0)
assert "/data/preprocessed_tilt_series" not in p  # nothing preprocessed: the input is the data
s = r["/preprocess/shift_px"][...]
assert np.abs(s - s.mean(axis=0)).max() < 0.5, s
assert tomllib.loads(r["/meta"].attrs["parameters"])["preprocess"]["align"] == "com+common_line"
PY

# 4. BM3D denoising before background and alignment: the noise model it estimated per
#    projection is recorded (α: image value of one count > 0), and alignment still succeeds.
expect 0 "BM3D denoising, mean noise model" -- "$vitrum" tomo --tilts shifted.h5 \
  --out denoised.h5 --set iterations=20 --set preprocess.denoise=bm3d \
  --set preprocess.background=laplace --set preprocess.align=com+common_line
/usr/bin/python3 - shifted.h5 denoised.h5 <<'PY' && ok || bad "denoised series"
import sys, h5py, numpy as np
truth = h5py.File(sys.argv[1], "r")["/truth/shift_px"][...]
d = h5py.File(sys.argv[2], "r")
noise = d["/preprocess/noise_alpha_sigma_offset"][...]
# The images the volume was made from, for position refinement (vitrum trace --tilts).
pre = d["/data/preprocessed_tilt_series/data"]
assert pre.shape == h5py.File(sys.argv[1], "r")["/data/tilt_series/data"].shape, pre.shape
assert noise.shape == (len(truth), 3) and (noise[:, 0] > 0).all(), noise
s = d["/preprocess/shift_px"][...]
err = (s - truth) - (s - truth).mean(axis=0)  # the convention of check 1
assert np.sqrt((err ** 2).sum(axis=1).mean()) < 0.5, err
PY

# 5. Errors and defaults.
expect 2 "preprocess.align" -- "$vitrum" tomo --tilts shifted.h5 --out bad.h5 \
  --set preprocess.align=sideways
expect 2 "preprocess.background_dilation_px|background_dilation_px" -- "$vitrum" tomo \
  --tilts shifted.h5 --out bad.h5 --set preprocess.background=laplace \
  --set preprocess.background_dilation_px=-1
expect 0 "com\+common_line" -- "$vitrum" config defaults tomo

finish test_align
