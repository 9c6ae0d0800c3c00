#!/usr/bin/env bash
# `vitrum stem` as a user runs it: a linear-model tilt series with its truth and PNG, a small
# multislice series with noise and imperfections that is byte-identical with 1 and 2 threads
# (sharing one FFTW wisdom file), and clear errors on bad input. Usage: test_stem.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cat > cluster.xyz <<'XYZ'
5
Lattice="20 0 0 0 20 0 0 0 20" Properties=species:S:1:pos:R:3 pbc="F F F"
Ta 10.0 10.0 10.0
Ta 12.4 10.1 10.6
Pd 9.5 12.6 9.2
Cu 8.0 8.4 10.9
Pd 10.8 8.1 8.8
XYZ

# 1. Linear model, the default 46 Ta-film tilts.
if "$vitrum" --quiet stem --model cluster.xyz --out linear.h5 --set model=linear; then ok; else bad "linear run failed"; fi
[[ -s linear_0deg.png ]] && ok || bad "no PNG of the 0° projection"
/usr/bin/python3 - linear.h5 <<'PY' && ok || bad "linear.h5 content"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
d = f["/data/tilt_series/data"]
assert d.shape[0] == 46 and d.shape[1] == d.shape[2], d.shape
e = f["/data/tilt_series/euler_deg"][...]
assert abs(e[0, 1] + 63.0) < 1e-9 and abs(e[-1, 1] - 55.9) < 1e-9, e[[0, -1]]
assert np.all(np.isfinite(d[...])) and d[...].max() > 0
for k in ("/truth/euler_actual_deg", "/truth/shift_px", "/truth/drift_px_per_line", "/geometry/rotation_center_A"):
    assert k in f, k
assert "linear" in f["/meta"].attrs["parameters"]
PY

# 2. Multislice with frozen phonons, dose, shifts, drift and angle errors: same bytes with 1
#    and 2 threads; the truth records what was injected.
set_ms=(--set tilt.angles_deg=[-30,0,30] --set beam.energy_keV=200 --set beam.convergence_semiangle_mrad=20
        --set detector.adf_inner_mrad=40 --set detector.adf_outer_mrad=80 --set scan.step_A=0.6
        --set multislice.window_A=6 --set phonons.configurations=2 --set acquisition.dose_e_per_A2=1e5
        --set acquisition.shift_sigma_px=0.5 --set acquisition.drift_sigma_px_per_line=0.01
        --set acquisition.angle_error_sigma_deg=0.3 --set acquisition.read_noise_counts=1
        --set fft.wisdom_file="$work/wisdom" --set compare_linear=true)
"$vitrum" --quiet --threads 1 stem --model cluster.xyz --out ms1.h5 --seed 5 "${set_ms[@]}" && ok || bad "multislice run (1 thread) failed"
"$vitrum" --quiet --threads 2 stem --model cluster.xyz --out ms2.h5 --seed 5 "${set_ms[@]}" && ok || bad "multislice run (2 threads) failed"
/usr/bin/python3 - ms1.h5 ms2.h5 <<'PY' && ok || bad "multislice series differ between 1 and 2 threads, or lack their truth"
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:])
assert np.array_equal(a["/data/tilt_series/data"][...], b["/data/tilt_series/data"][...])
err = a["/truth/angle_error_deg"][...]
assert np.any(err != 0) and np.allclose(a["/truth/euler_actual_deg"][...], a["/data/tilt_series/euler_deg"][...] + err)
counts = a["/data/tilt_series/data"][...]
assert counts.max() > 10, counts.max()  # counts, not fractions
rms = a["/compare_linear/relative_rms"][...]
assert rms.shape == (3,) and np.all((rms >= 0) & (rms < 1)), rms
PY

# 2b. The signal cache: a run at another dose reuses the noiseless series and gives the same
#     bytes as a run without the cache; a run at the first dose equals ms1.h5.
"$vitrum" --quiet --threads 1 stem --model cluster.xyz --out msc1.h5 --seed 5 "${set_ms[@]}" \
  --signal-cache signals && ok || bad "multislice run filling the signal cache failed"
[[ $(ls signals/*.h5 2>/dev/null | wc -l) -eq 1 ]] && ok || bad "the signal cache holds no single entry"
expect 0 "reused from the signal cache" -- "$vitrum" --threads 1 stem --model cluster.xyz \
  --out msc2.h5 --seed 5 "${set_ms[@]}" --set acquisition.dose_e_per_A2=2e4 --signal-cache signals
"$vitrum" --quiet --threads 1 stem --model cluster.xyz --out ms3.h5 --seed 5 "${set_ms[@]}" \
  --set acquisition.dose_e_per_A2=2e4 && ok || bad "multislice run at 2e4 failed"
/usr/bin/python3 - ms1.h5 msc1.h5 ms3.h5 msc2.h5 <<'PY' && ok || bad "cached series differ from uncached ones"
import sys, h5py, numpy as np
f = [h5py.File(p, "r") for p in sys.argv[1:]]
for a, b in ((f[0], f[1]), (f[2], f[3])):
    for k in ("/data/tilt_series/data", "/truth/euler_actual_deg", "/truth/shift_px",
              "/compare_linear/relative_rms", "/geometry/rotation_center_A", "/geometry/dose_e_per_A2"):
        assert np.array_equal(a[k][...], b[k][...]), k
assert not np.array_equal(f[0]["/data/tilt_series/data"][...], f[2]["/data/tilt_series/data"][...])
PY
"$vitrum" --quiet --threads 1 stem --model cluster.xyz --out msc3.h5 --seed 6 "${set_ms[@]}" \
  --signal-cache signals && ok || bad "multislice run with another seed failed"
[[ $(ls signals/*.h5 | wc -l) -eq 2 ]] && ok || bad "another seed did not make its own entry"

# 3. A thickness series: the depth beyond the specimen is the exit signal, and the signal of
#    the cluster grows from 2 Å to the exit.
"$vitrum" --quiet stem --model cluster.xyz --out depth.h5 --set tilt.angles_deg=[0,40] \
  --set beam.energy_keV=200 --set detector.adf_outer_mrad=80 --set scan.step_A=0.6 \
  --set multislice.window_A=6 --set fft.rigor=estimate --set fft.wisdom_file= \
  --set "detector.depths_A=[2,4,100]" && ok || bad "thickness-series run failed"
/usr/bin/python3 - depth.h5 <<'PY' && ok || bad "thickness series content"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
d = f["/data/adf_thickness_series/data"][...]
assert d.shape[:2] == (2, 3), d.shape
assert np.array_equal(d[:, 2], f["/data/tilt_series/data"][...])
assert list(f["/data/adf_thickness_series/dim2"][...]) == [2, 4, 100]
assert d[:, 0].sum() < d[:, 2].sum()
PY

# 4. Bad input: clear one-line errors, exit code 2, nothing written.
expect_fail() {
  local pattern=$1; shift
  local err rc
  err=$("$vitrum" --quiet stem "$@" 2>&1 >/dev/null) && rc=0 || rc=$?
  if [[ $rc -ne 2 ]]; then bad "stem $* exited $rc, expected 2: $err"; return; fi
  grep -qE -- "$pattern" <<<"$err" && ok || bad "stem $*: error lacks /$pattern/: $err"
}
expect_fail 'exceeds the 83\.5 mrad' --model cluster.xyz --out x.h5 --set beam.energy_keV=200 --set sampling_A=0.1 --set detector.adf_outer_mrad=100
expect_fail 'beam.energy_keV = 0' --model cluster.xyz --out x.h5 --set beam.energy_keV=0
expect_fail 'adf_outer_mrad' --model cluster.xyz --out x.h5 --set detector.adf_inner_mrad=90 --set detector.adf_outer_mrad=50
printf '0\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3\n' > empty.xyz
expect_fail 'no atoms' --model empty.xyz --out x.h5
expect_fail 'did you mean' --model cluster.xyz --out x.h5 --set beam.energy_kev=200
[[ ! -e x.h5 ]] && ok || bad "a failed run left x.h5 behind"
"$vitrum" config defaults stem | grep -q 'adf_outer_mrad = 200' && ok || bad "config defaults stem"

finish stem
