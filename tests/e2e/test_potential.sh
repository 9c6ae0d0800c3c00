#!/usr/bin/env bash
# `vitrum potential` as a user runs it: a Zhou–Johnson–Wadley (2004) EAM setfl file for the
# Zr–Cu–Ni–Al glass and for Cu–Ta (compared number by number with Debian's CuTa.eam.alloy,
# which the authors' tool made), --describe on the generated and on Debian's files, and
# refused input. If LAMMPS's `lmp` is installed, it reads the generated file and finds the
# fitted cohesive energies of fcc Cu and bcc Ta. Usage: test_potential.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
potentials=/usr/share/lammps/potentials

# 1. Generate and describe.
expect 0 "" -- "$vitrum" --quiet potential --zhou Zr,Cu,Ni,Al --out ZrCuNiAl.eam.alloy
[[ -s ZrCuNiAl.eam.alloy ]] && ok || bad "no ZrCuNiAl.eam.alloy"
expect 0 "elements +Zr Cu Ni Al" -- "$vitrum" potential --describe ZrCuNiAl.eam.alloy
expect 0 "style +eam/alloy" -- "$vitrum" potential --describe ZrCuNiAl.eam.alloy
sha=$(sha256sum ZrCuNiAl.eam.alloy | cut -d' ' -f1)
expect 0 "sha256 +$sha" -- "$vitrum" potential --describe ZrCuNiAl.eam.alloy
# Cutoff: √10/2 · √2 · rₑ(Zr) = √5 · 3.199978 Å.
expect 0 "cutoff_A +7.1553683345" -- "$vitrum" potential --describe ZrCuNiAl.eam.alloy
expect 0 "elements +Pd" -- "$vitrum" potential --describe $potentials/Pd_u3.eam
expect 0 "style +eam/fs" -- "$vitrum" potential --describe $potentials/CuZr_mm.eam.fs

# 2. The Zr-Cu-Ni-Al file's layout: 4 elements, 10 pair tables, LAMMPS's lower-triangle order.
/usr/bin/python3 - ZrCuNiAl.eam.alloy <<'PY' && ok || bad "ZrCuNiAl.eam.alloy layout"
import sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[3].split() == ["4", "Zr", "Cu", "Ni", "Al"], lines[3]
nrho, drho, nr, dr, rc = lines[4].split()
nrho, nr, drho, dr, rc = int(nrho), int(nr), float(drho), float(dr), float(rc)
assert (nrho, nr) == (2000, 2000)
assert abs(rc - 5 ** 0.5 * 3.199978) < 1e-12 and abs(dr * (nr - 1) - rc) < 1e-12
values, pos, Z = [], 5, []
for element in range(4):
    Z.append(int(lines[pos].split()[0]))
    pos += 1
    pos += (nrho + nr) // 5
rest = " ".join(lines[pos:]).split()
assert Z == [40, 29, 28, 13], Z
assert len(rest) == 10 * nr, len(rest)
assert all(len(l.split()) == 5 for l in lines[6:pos - 1] if not l[:1].isdigit())
PY

# 3. Cu-Ta reproduces Debian's CuTa.eam.alloy (the reference tool computes in single precision,
#    hence ~2e-6; see tests/sim/test_zhou_eam.cpp).
expect 0 "" -- "$vitrum" --quiet potential --zhou Cu,Ta --out CuTa.eam.alloy
/usr/bin/python3 - CuTa.eam.alloy $potentials/CuTa.eam.alloy <<'PY' && ok || bad "Cu-Ta differs from Debian's"
import sys
def tables(path):
    lines = open(path).read().splitlines()
    nums = []
    for i, l in enumerate(lines[5:]):
        t = l.split()
        if len(t) == 4 and not t[3][0].isdigit() and not t[3][0] == "-":
            continue  # "Z mass a lattice"
        nums += [float(x) for x in t]
    return lines[3].split(), [float(x) for x in lines[4].split()], nums
(ea, ga, a), (eb, gb, b) = tables(sys.argv[1]), tables(sys.argv[2])
assert ea == eb == ["2", "Cu", "Ta"], (ea, eb)
assert len(a) == len(b) == 2 * 4000 + 3 * 2000, (len(a), len(b))
assert all(abs(x - y) <= 1e-6 * abs(y) for x, y in zip(ga, gb)), (ga, gb)
worst = max(abs(x - y) / max(abs(y), 1.0) for x, y in zip(a, b))
print("Cu-Ta: max deviation from Debian's file %.2g" % worst)
assert worst < 5e-6, worst
PY

# 4. Refused: elements outside the database (Ru needs a proxy), missing --out, both forms at
#    once, unknown file types and missing files.
expect 2 "Ru.*Cu, Ag, Au, Ni, Pd, Pt, Al, Pb, Fe, Mo, Ta, W, Mg, Co, Ti, Zr.*proxy" -- \
  "$vitrum" potential --zhou Cu,Ru --out bad.eam.alloy
expect 2 "'Xx'" -- "$vitrum" potential --zhou Xx --out bad.eam.alloy
[[ ! -e bad.eam.alloy ]] && ok || bad "a refused run left bad.eam.alloy"
expect 2 "requires --out" -- "$vitrum" potential --zhou Cu
expect 2 "" -- "$vitrum" potential --zhou Cu --describe ZrCuNiAl.eam.alloy --out x.eam.alloy
expect 2 "--zhou" -- "$vitrum" potential
expect 2 "nr" -- "$vitrum" potential --zhou Cu --out x.eam.alloy --nr 1
expect 2 "known: .eam" -- "$vitrum" potential --describe $potentials/Cu.meam
expect 2 "" -- "$vitrum" potential --describe missing.eam.alloy

# 5. LAMMPS reads the file: fcc Cu and bcc Ta at their rₑ have the fitted cohesive energies
#    (3.54 and 8.09 eV, Zhou 2004).
if command -v lmp >/dev/null 2>&1; then
  for case in "fcc 3.61504 1 -3.54" "bcc 3.30252 2 -8.09"; do
    set -- $case
    cat > in.coh <<LMP
units metal
atom_style atomic
lattice $1 $2
region box block 0 4 0 4 0 4
create_box 2 box
create_atoms $3 box
pair_style eam/alloy
pair_coeff * * CuTa.eam.alloy Cu Ta
mass * 1.0
run 0
variable e equal pe/atoms
print "ENERGY \${e}"
LMP
    e=$(lmp -in in.coh -log none -echo none 2>/dev/null | awk '/^ENERGY/ {print $2}')
    /usr/bin/python3 -c "import sys; e=float(sys.argv[1]); assert abs(e - float(sys.argv[2])) < 1e-4, e" \
      "${e:-nan}" "$4" && ok || bad "LAMMPS $1 energy ${e:-none}, expected $4 eV/atom"
  done
else
  echo "lmp not installed: LAMMPS check skipped"
fi

finish test_potential
