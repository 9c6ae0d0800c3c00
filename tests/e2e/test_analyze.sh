#!/usr/bin/env bash
# `vitrum analyze` as a user runs it: a perfect fcc crystal gives its known g(r) shells, BOO
# and Voronoi index; the HDF5 file follows DESIGN.md's analysis schema; the same bytes come out
# with 1 and 2 threads; a finite particle is analysed with surface cells flagged; bad models
# (no atoms, overlapping atoms, NaN) fail with exit 2 and a message naming the file.
# Usage: test_analyze.sh <path-to-vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# fcc Pd, a = 3.89 Å, 4×4×4 cells (256 atoms), periodic; and a finite copy (pbc F F F).
fcc() {  # fcc N A PBC
  awk -v n="$1" -v a="$2" -v pbc="$3" 'BEGIN {
    L = n * a; print 4 * n * n * n
    printf "Lattice=\"%g 0 0 0 %g 0 0 0 %g\" Properties=species:S:1:pos:R:3 pbc=\"%s\"\n", L, L, L, pbc
    split("0 0 0 0.5 0.5 0 0.5 0 0.5 0 0.5 0.5", b, " ")
    for (i = 0; i < n; i++) for (j = 0; j < n; j++) for (k = 0; k < n; k++)
      for (s = 0; s < 4; s++)
        printf "Pd %.6f %.6f %.6f\n", (i + b[3*s+1]) * a, (j + b[3*s+2]) * a, (k + b[3*s+3]) * a
  }'
}
fcc 4 3.89 "T T T" >fcc.xyz
fcc 5 3.89 "F F F" >particle.xyz

expect 0 'analyze' -- "$vitrum" --help
expect 0 "regulation = 'retessellate'" -- "$vitrum" config defaults analyze
# The same command (provenance records it) with 1 and 2 threads, in two folders.
mkdir one two
cp fcc.xyz one/ && cp fcc.xyz two/
(cd one && "$vitrum" --quiet --threads 1 analyze --model fcc.xyz --out a.h5 --json a.json) && ok ||
  bad "analyze with 1 thread failed"
(cd two && "$vitrum" --threads 2 analyze --model fcc.xyz --out a.h5 --json a.json 2>/dev/null) &&
  ok || bad "analyze with 2 threads failed"
for f in a.h5 a.json a_gr.png a_voronoi.png; do
  [[ -s one/$f ]] && ok || bad "missing $f"
  cmp -s one/$f two/$f && ok || bad "$f differs between 1 and 2 threads"
done
cp one/a.h5 one.h5 && cp one/a.json one.json

expect 0 '' -- "$vitrum" --quiet analyze --model particle.xyz --out particle.h5 --json particle.json \
  --set analyses=gr,voronoi --set plots=none

/usr/bin/python3 - <<'PY' && ok || bad "analysis results"
import json, math
import h5py, numpy as np
s = json.load(open("one.json"))
a = 3.89
# g(r): first shell at a/√2 = 2.751 Å (bin 2.7–2.8), rc between the first and second shells.
assert abs(s["gr"]["first_peak_A"] - 2.75) < 0.051, s["gr"]
assert a / math.sqrt(2) < s["rc_A"] < a, s["rc_A"]
assert s["cn_rc_mean"] == 12 and s["cn_mean"] == 12, s
assert s["crystalline_fraction"] == 1.0, s
assert abs(s["Q6bar_mean"] - 0.574524) < 1e-6 and abs(s["Q4bar_mean"] - 0.190941) < 1e-6, s
assert s["voronoi_top"][0]["index"] == [0, 12, 0, 0] and s["voronoi_top"][0]["fraction"] == 1.0
assert s["units"]["rc_A"] == "Å"
# Mass density of fcc Pd: 4 × 106.42 u per a³, in g/cm³ (1 u/Å³ = 1.66054 g/cm³).
rho_mass = 4 * 106.42 * 1.66053906660 / a ** 3
assert abs(s["mass_density_mean_g_per_cm3"] - rho_mass) < 1e-4 * rho_mass, s

with h5py.File("one.h5") as f:
    assert abs(f.attrs["rc"] - s["rc_A"]) < 1e-12
    r, g = f["gr/r"][:], f["gr/g"][:]
    assert len(r) == len(g) == 100 and f["gr/r"].attrs["units"] == "Å"
    # 12 neighbours in the first shell: ∫ 4πr²ρ'g dr over it, ρ' = (N − 1)/V.
    rho = 255 / (4 * a) ** 3
    shell = (r > 2.6) & (r < 2.9)
    n1 = sum(g[k] * rho * 4 / 3 * math.pi * ((r[k] + 0.05) ** 3 - (r[k] - 0.05) ** 3)
             for k in np.nonzero(shell)[0])
    assert abs(n1 - 12) < 1e-9, n1
    assert "Pd-Pd" in f["gr/partial"]
    pa = f["per_atom"]
    assert pa["voronoi_index"].shape == (256, 4)
    assert (pa["voronoi_index"][:] == [0, 12, 0, 0]).all()
    assert np.allclose(pa["voronoi_volume"][:], a ** 3 / 4)
    assert (pa["crystalline"][:] == 1).all() and np.allclose(pa["boo_norm"][:], 1, atol=1e-6)
    assert (pa["surface"][:] == 0).all()
    assert f["meta"].attrs["command"].startswith("vitrum")
    d = f["data/mass_density/data"][:]
    assert d.shape == (16, 16, 16) and abs(d.mean() - rho_mass) < 1e-4 * rho_mass, d.shape
p = json.load(open("particle.json"))
assert p["gr"]["normalization"] == "finite_window", p["gr"]
assert 0 < p["voronoi_surface_cells"] < 500 and p["voronoi_interior_cells"] > 0, p
assert p["voronoi_top"][0]["index"] == [0, 12, 0, 0], p["voronoi_top"]
PY

# A 13-atom icosahedron (centre–vertex 2.7 Å, finite): 20 tetrahedra, 12 edge-sharing PBs in
# one network, dihedral 116.57°, one full icosahedron and no partial one; its centre's Voronoi index <0,0,12,0>.
awk 'BEGIN { p = (1 + sqrt(5)) / 2; s = 2.7 / sqrt(1 + p * p); print 13
  print "Lattice=\"20 0 0 0 20 0 0 0 20\" Properties=species:S:1:pos:R:3 pbc=\"F F F\""
  print "Ta 10 10 10"
  for (a = -1; a <= 1; a += 2) for (b = -1; b <= 1; b += 2) {
    printf "Ta %.9f %.9f %.9f\n", 10, 10 + a * s, 10 + b * p * s
    printf "Ta %.9f %.9f %.9f\n", 10 + a * s, 10 + b * p * s, 10
    printf "Ta %.9f %.9f %.9f\n", 10 + b * p * s, 10, 10 + a * s } }' >ico.xyz
expect 0 '' -- "$vitrum" --quiet analyze --model ico.xyz --out ico.h5 --json ico.json \
  --set rc_A=3.5 --set analyses=voronoi,motifs,pbn
for f in ico_motifs.png ico_pbn.png ico_voronoi.png; do [[ -s $f ]] && ok || bad "missing $f"; done
/usr/bin/python3 - <<'PY' && ok || bad "icosahedron motifs"
import json
import h5py
s = json.load(open("ico.json"))
assert s["tetrahedra"] == 20 and s["motif_fraction"]["5"] == 1.0, s
p = s["pbn"]
assert p["fold"] == 5 and p["bipyramids"] == 12 and p["count"] == 1 and p["largest"] == 12, p
assert abs(p["dihedral_mean_deg"] - 116.565) < 1e-3 and p["full_icosahedra"] == 1, p
assert p["partial_icosahedra"] == 0 and p["partial_icosahedra_min_pbs"] == 3, p
b = s["bipyramid_networks"]
assert b["5"]["bipyramids"] == 12 and b["5"]["count"] == 1 and b["5"]["largest"] == 12, b
assert b["4"]["bipyramids"] == 0 and b["6"]["bipyramids"] == 0 and b["4"]["count"] == 0, b
assert s["voronoi_top"] == [{"index": [0, 0, 12, 0], "fraction": 1.0}], s["voronoi_top"]
assert s["voronoi_interior_cells"] == 1, s
with h5py.File("ico.h5") as f:
    assert f["motifs/fraction"].shape == (31, 4)
    assert list(f["pbn/size"][:]) == [12]
    # The centre caps 12 edge-connected PBs, each outer atom its own one.
    assert list(f["pbn/centre_atom"][:]) == list(range(13))
    assert list(f["pbn/centre_pbs"][:]) == [12] + [1] * 12
    assert list(f["pbn/centre_connected_pbs"][:]) == [12] + [1] * 12
    assert list(f["pbn/connected_histogram"][:]) == [0, 12] + [0] * 10 + [1]
    assert list(f["bipyramid_networks/5/size"][:]) == [12]
    assert len(f["bipyramid_networks/4/size"][:]) == len(f["bipyramid_networks/6/size"][:]) == 0
    assert f["per_atom/surface"][:].sum() == 12
PY

# An ideal pentagonal bipyramid (all edges 2.8 Å but the axis): one 5-fold motif whose
# skeleton, the polygon through its 5 tetrahedra centroids, is a regular pentagon around the
# axis midpoint, perpendicular to the axis.
awk 'BEGIN { pi = atan2(0, -1); e = 2.8; R = e / (2 * sin(pi / 5)); h = sqrt(e * e - R * R)
  print 7; print "Lattice=\"20 0 0 0 20 0 0 0 20\" Properties=species:S:1:pos:R:3 pbc=\"F F F\""
  printf "Ta 10 10 %.9f\nTa 10 10 %.9f\n", 10 + h, 10 - h
  for (k = 0; k < 5; k++) printf "Ta %.9f %.9f 10\n", 10 + R * cos(2 * pi * k / 5), 10 + R * sin(2 * pi * k / 5) }' >pb.xyz
expect 0 '' -- "$vitrum" --quiet analyze --model pb.xyz --out pb.h5 --set rc_A=3.5 \
  --set analyses=motifs --set plots=none
/usr/bin/python3 - <<'PY' && ok || bad "bipyramid skeleton"
import math
import h5py, numpy as np
with h5py.File("pb.h5") as f:
    assert f["motifs/list"].shape == (1, 3) and f["motifs/list"][0][0] == 5, f["motifs/list"][:]
    assert list(f["motifs/skeleton_offsets"][:]) == [0, 5], f["motifs/skeleton_offsets"][:]
    v = f["motifs/skeleton_vertices"][:]
    assert v.shape == (5, 3) and f["motifs/skeleton_vertices"].attrs["units"] == "Å"
centre = v.mean(axis=0)
assert np.allclose(centre, [10, 10, 10], atol=1e-6), centre
radius = np.linalg.norm(v - centre, axis=1)
sides = np.linalg.norm(v - np.roll(v, -1, axis=0), axis=1)
assert np.allclose(radius, radius[0], atol=1e-6) and np.allclose(v[:, 2], 10, atol=1e-6), v
assert np.allclose(sides, 2 * radius[0] * math.sin(math.pi / 5), atol=1e-6), sides
PY

# A triclinic copy of the crystal (c' = c + a, the same periodic system): the same Q6 and
# Voronoi index; the density field, which needs an orthorhombic cell, is skipped and says so.
awk 'NR == 2 { sub(/Lattice="[^"]*"/, "Lattice=\"15.56 0 0 0 15.56 0 15.56 0 15.56\"") } { print }' \
  fcc.xyz >tri.xyz
expect 0 'density field skipped' -- "$vitrum" analyze --model tri.xyz --out tri.h5 --json tri.json \
  --set plots=none
/usr/bin/python3 - <<'PY' && ok || bad "triclinic analysis"
import json
s = json.load(open("tri.json"))
assert abs(s["Q6bar_mean"] - 0.574524) < 1e-6, s["Q6bar_mean"]
assert s["voronoi_top"][0] == {"index": [0, 12, 0, 0], "fraction": 1.0}, s["voronoi_top"]
assert "density" in s["skipped"], s
PY
# A film (periodic in x, y only) needs rc_A: g(r) cannot give it.
sed '2s/pbc="T T T"/pbc="T T F"/' fcc.xyz >film.xyz
expect 2 'film.*set rc_A' -- "$vitrum" analyze --model film.xyz --out film.h5
expect 0 'g\(r\) skipped' -- "$vitrum" analyze --model film.xyz --out film.h5 --set rc_A=3.3 \
  --set plots=none

# Bad models: exit 2, the file named, no output left behind.
printf '0\nLattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 pbc="T T T"\n' >empty.xyz
expect 2 'no atoms.*empty\.xyz' -- "$vitrum" analyze --model empty.xyz --out e.h5
{ echo 3; echo 'Lattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 pbc="T T T"'
  echo 'Pd 1 1 1'; echo 'Pd 1.2 1 1'; echo 'Pd 5 5 5'; } >overlap.xyz
expect 2 '0\.2 Å apart.*\(overlap\.xyz\)' -- "$vitrum" analyze --model overlap.xyz --out o.h5
{ echo 2; echo 'Lattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 pbc="T T T"'
  echo 'Pd 1 1 1'; echo 'Pd nan 4 4'; } >nan.xyz
expect 2 'nan\.xyz' -- "$vitrum" analyze --model nan.xyz --out n.h5
[[ ! -e e.h5 && ! -e o.h5 && ! -e n.h5 ]] && ok || bad "a failed analyze left its output behind"
[[ -z $(ls | grep '\.tmp\.') ]] && ok || bad "a temporary file was left behind"
expect 2 'analyses.*unknown analysis "rings"' -- "$vitrum" analyze --model fcc.xyz --out x.h5 \
  --set analyses=gr,rings
expect 2 'mro.solute is empty' -- "$vitrum" analyze --model fcc.xyz --out x.h5 --set analyses=mro
expect 2 'voronoi.regulation' -- "$vitrum" analyze --model fcc.xyz --out x.h5 \
  --set voronoi.regulation=ovito

finish analyze
