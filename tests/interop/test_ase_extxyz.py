#!/usr/bin/env python3
"""Interoperability of vitrum's extended XYZ and LAMMPS data files with ASE.

Run by ctest as:  /usr/bin/python3 test_ase_extxyz.py <path-to-vitrum>

ASE writes a model (triclinic cell, several species, pbc T T F, integer labels); vitrum
converts it  ase.xyz -> v.xyz -> v.data -> v2.xyz  with `vitrum convert IN OUT`, and ASE
reads every step back:
  - extended XYZ -> extended XYZ is exact (positions, cell, species, pbc, labels);
  - through LAMMPS data, positions and cell agree to 1e-9 A and pbc survives (vitrum
    records it in the title line); ASE's own LAMMPS reader agrees with vitrum's file;
  - a cell in general orientation is rotated into LAMMPS orientation together with the
    atoms: same lattice, same fractional coordinates, positions related by one rotation.
Exits non-zero with a message naming the first mismatch.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interop_support import check, fail  # noqa: E402

TOL_A = 1e-9


def vitrum_convert(vitrum, source, target):
    cmd = [vitrum, "--quiet", "convert", source, target]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        fail("`%s` exited with %d: %s" % (" ".join(cmd), proc.returncode,
                                          (proc.stderr or proc.stdout).strip()))


def max_abs(a, b):
    import numpy as np
    return float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float)))) if len(a) else 0.0


def make_model(rotated):
    import numpy as np
    from ase import Atoms
    from ase.geometry import cellpar_to_cell

    rng = np.random.default_rng(20240611)
    n = 40
    symbols = [("Ta", "Pd", "Fe", "Zr", "B", "O")[i % 6] for i in range(n)]
    cell = cellpar_to_cell([10.5, 11.25, 12.0, 80.0, 95.0, 105.0])
    scaled = rng.uniform(0.0, 1.0, size=(n, 3))
    scaled[0] = [-0.3, 0.5, 0.5]  # outside the box along periodic x and y:
    scaled[1] = [0.25, 1.4, 0.5]  # vitrum's LAMMPS writer wraps them with image flags
    atoms = Atoms(symbols=symbols, scaled_positions=scaled, cell=cell, pbc=[True, True, False])
    atoms.new_array("label", np.arange(n, dtype=int) % 5 - 1)
    if rotated:
        atoms.rotate(33.0, (1.0, 2.0, 0.5), rotate_cell=True)
        atoms.rotate(-71.0, (0.3, -1.0, 2.0), rotate_cell=True)
    return atoms


def compare_exact(ref, got, what):
    import numpy as np
    check(list(got.get_chemical_symbols()) == list(ref.get_chemical_symbols()),
          what + ": species differ")
    check(np.array_equal(got.get_positions(), ref.get_positions()),
          what + ": positions not exactly equal (max |diff| %.3g A)"
          % max_abs(got.get_positions(), ref.get_positions()))
    check(np.array_equal(got.cell[:], ref.cell[:]), what + ": cell not exactly equal")
    check(list(got.pbc) == list(ref.pbc), what + ": pbc %s != %s" % (got.pbc, ref.pbc))
    check("label" in got.arrays, what + ": label column missing")
    check(np.array_equal(got.arrays["label"], ref.arrays["label"]), what + ": labels differ")


def lammps_types(path):
    """type -> Z from the '# Symbol' comments of a Masses section."""
    from ase.data import atomic_numbers
    types, in_masses = {}, False
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0][0].isalpha():
                in_masses = words[0] == "Masses"
                continue
            if in_masses:
                check(len(words) == 4 and words[2] == "#",
                      "%s: Masses line without '# Symbol': %r" % (path, line))
                types[int(words[0])] = atomic_numbers[words[3]]
    return types


def check_plain_round_trip(vitrum, d):
    import ase.io
    import numpy as np

    atoms = make_model(rotated=False)
    ase.io.write(os.path.join(d, "ase.xyz"), atoms, format="extxyz")
    ref = ase.io.read(os.path.join(d, "ase.xyz"))  # what the file holds (8 decimals)

    vitrum_convert(vitrum, os.path.join(d, "ase.xyz"), os.path.join(d, "v.xyz"))
    got = ase.io.read(os.path.join(d, "v.xyz"))
    compare_exact(ref, got, "ase.xyz -> v.xyz")
    check(got.info.get("vitrum_command", "").endswith("v.xyz"),
          "v.xyz: vitrum_command not recorded in the comment line")

    vitrum_convert(vitrum, os.path.join(d, "v.xyz"), os.path.join(d, "v.data"))
    vitrum_convert(vitrum, os.path.join(d, "v.data"), os.path.join(d, "v2.xyz"))
    got2 = ase.io.read(os.path.join(d, "v2.xyz"))
    check(got2.get_chemical_symbols() == ref.get_chemical_symbols(),
          "v.xyz -> v.data -> v2.xyz: species differ")
    diff = max_abs(got2.get_positions(), ref.get_positions())
    check(diff <= TOL_A, "v.xyz -> v.data -> v2.xyz: positions differ by %.3g A" % diff)
    diff = max_abs(got2.cell[:], ref.cell[:])
    check(diff <= TOL_A, "v.xyz -> v.data -> v2.xyz: cell differs by %.3g A" % diff)
    check(list(got2.pbc) == [True, True, False],
          "v.xyz -> v.data -> v2.xyz: pbc %s, expected T T F" % got2.pbc)

    # ASE's own LAMMPS reader on vitrum's file: same cell; positions plus image flags.
    data = os.path.join(d, "v.data")
    lmp = ase.io.read(data, format="lammps-data", style="atomic", Z_of_type=lammps_types(data),
                      sort_by_id=True)
    check(lmp.get_chemical_symbols() == ref.get_chemical_symbols(),
          "ASE reading v.data: species differ")
    diff = max_abs(lmp.cell[:], ref.cell[:])
    check(diff <= TOL_A, "ASE reading v.data: cell differs by %.3g A" % diff)
    unwrapped = lmp.get_positions() + lmp.arrays["travel"] @ lmp.cell[:]
    diff = max_abs(unwrapped, ref.get_positions())
    check(diff <= TOL_A, "ASE reading v.data: positions differ by %.3g A" % diff)
    check(np.any(lmp.arrays["travel"] != 0), "v.data: expected image flags on wrapped atoms")


def check_rotated_cell(vitrum, d):
    import ase.io
    import numpy as np

    atoms = make_model(rotated=True)
    ase.io.write(os.path.join(d, "rot.xyz"), atoms, format="extxyz")
    ref = ase.io.read(os.path.join(d, "rot.xyz"))
    vitrum_convert(vitrum, os.path.join(d, "rot.xyz"), os.path.join(d, "rot.data"))
    vitrum_convert(vitrum, os.path.join(d, "rot.data"), os.path.join(d, "rot2.xyz"))
    got = ase.io.read(os.path.join(d, "rot2.xyz"))

    V, W = ref.cell[:], got.cell[:]
    check(W[0, 1] == 0.0 and W[0, 2] == 0.0 and W[1, 2] == 0.0,
          "rotated cell: LAMMPS cell is not lower triangular:\n%s" % W)
    diff = max_abs(got.cell.cellpar(), ref.cell.cellpar())
    check(diff <= 1e-9, "rotated cell: lengths/angles differ by %.3g" % diff)
    R = np.linalg.solve(V, W).T  # W = V R^T
    check(max_abs(R @ R.T, np.eye(3)) <= 1e-12 and abs(np.linalg.det(R) - 1.0) <= 1e-12,
          "rotated cell: the cell change is not a rotation")
    diff = max_abs(got.get_positions(), ref.get_positions() @ R.T)
    check(diff <= TOL_A, "rotated cell: positions differ from the rotated originals by %.3g A"
          % diff)
    check(got.get_chemical_symbols() == ref.get_chemical_symbols(), "rotated cell: species differ")
    check(list(got.pbc) == list(ref.pbc), "rotated cell: pbc differ")


def main():
    if len(sys.argv) != 2:
        print("usage: %s <path-to-vitrum>" % sys.argv[0], file=sys.stderr)
        return 2
    vitrum = sys.argv[1]
    try:
        import ase.io  # noqa: F401
        import numpy  # noqa: F401
    except ImportError as e:
        fail("this test needs ASE and NumPy (Debian: python3-ase python3-numpy): %s" % e)
    if not os.access(vitrum, os.X_OK):
        fail("not an executable: %s" % vitrum)
    probe = subprocess.run([vitrum, "convert", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        fail("`%s convert --help` failed: this vitrum has no convert command" % vitrum)

    with tempfile.TemporaryDirectory(prefix="vitrum_interop_") as d:
        check_plain_round_trip(vitrum, d)
        check_rotated_cell(vitrum, d)
    print("ASE <-> vitrum extended XYZ and LAMMPS data: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
