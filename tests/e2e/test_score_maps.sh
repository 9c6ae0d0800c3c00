#!/usr/bin/env bash
# `vitrum score --truth-maps T --result-maps R`: maps (2D EMD groups, as a diffraction chain
# writes its quantity-of-interest maps) scored by name — a map against itself is perfect,
# against a pixel-permuted copy poor; a baseline passes on the same scorecard and fails (exit
# 3) on the permuted one; bad input is refused. Usage: test_score_maps.sh <vitrum>
set -uo pipefail
vitrum=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/common.sh"

/usr/bin/python3 - <<'PY' || bad "writing the maps"
import h5py, numpy as np

def write(path, maps):
    with h5py.File(path, "w") as f:
        for name, (values, unit) in maps.items():
            g = f.create_group("data/" + name)
            g.attrs["emd_group_type"] = np.int64(1)
            d = g.create_dataset("data", data=values.astype(np.float32))
            d.attrs["units"] = unit
            for axis, label in ((1, "y"), (2, "x")):
                dim = g.create_dataset("dim%d" % axis, data=np.array([0.0, 2.0]))
                dim.attrs["name"], dim.attrs["units"] = label, "[Å]"

y, x = np.mgrid[0:48, 0:48]
r1 = 2.7 + 0.1 * np.exp(-((x - 15) ** 2 + (y - 30) ** 2) / 60.0) + 0.002 * x
sharp = 1.0 + np.sin(x / 7.0) * np.cos(y / 9.0)
rng = np.random.default_rng(3)
write("truth.h5", {"r1_A": (r1, "Å"), "sharpness": (sharp, "1")})
noisy = r1 + rng.normal(0, 0.005, r1.shape)
noisy[0, :5] = np.nan  # failed fits
write("result.h5", {"r1_A": (noisy, "Å"), "sharpness": (sharp, "1"), "extra": (sharp, "1")})
write("permuted.h5", {"r1_A": (rng.permutation(r1.ravel()).reshape(r1.shape), "Å"),
                      "sharpness": (rng.permutation(sharp.ravel()).reshape(sharp.shape), "1")})
write("small.h5", {"r1_A": (r1[:10], "Å")})
PY

"$vitrum" --quiet score --truth-maps truth.h5 --result-maps result.h5 --out card.json \
  --write-baseline base.json && ok || bad "map scoring failed"
/usr/bin/python3 - card.json <<'PY' && ok || bad "map scorecard content"
import json, sys
c = json.load(open(sys.argv[1]))
m, u = c["metrics"], c["units"]
assert c["chain"] == "maps", c["chain"]
assert m["map_pearson_r@sharpness"] == 1 and m["map_nrmse@sharpness"] == 0, m
assert 0.9 < m["map_pearson_r@r1_A"] < 1 and 0.9 < m["map_spearman_r@r1_A"] < 1, m
assert abs(m["map_rmse@r1_A"] - 0.005) < 0.001, m["map_rmse@r1_A"]
assert abs(m["map_valid_fraction@r1_A"] - (1 - 5 / 48**2)) < 1e-9
assert u["map_rmse@r1_A"] == "Å" and "map_pearson_r@extra" not in m
PY
expect 0 "" -- "$vitrum" --quiet score --truth-maps truth.h5 --result-maps result.h5 --out again.json \
  --baseline base.json
expect 3 "worse than the baseline" -- "$vitrum" --quiet score --truth-maps truth.h5 \
  --result-maps permuted.h5 --out permuted.json --baseline base.json
/usr/bin/python3 - permuted.json <<'PY' && ok || bad "permuted maps should score poorly"
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
for name in ("r1_A", "sharpness"):
    assert abs(m["map_pearson_r@" + name]) < 0.1 and m["map_nrmse@" + name] > 1.2, m
PY
expect 2 "differ in shape" -- "$vitrum" --quiet score --truth-maps truth.h5 --result-maps small.h5 --out x.json
expect 2 "no /data group|not an HDF5" -- "$vitrum" --quiet score --truth-maps card.json --result-maps result.h5 --out x.json
expect 2 "requires --result" -- "$vitrum" --quiet score --truth truth.h5 --result-maps result.h5 --out x.json
expect 2 "baseline is of chain" -- "$vitrum" --quiet score --truth-maps truth.h5 --result-maps result.h5 \
  --out x.json --baseline "$here/../baselines/score_e2e.json"
[[ ! -e x.json ]] && ok || bad "a refused run wrote its scorecard"
finish score_maps
