#!/usr/bin/env python3
"""Side-by-side timing of `vitrum analyze` against peer tools on the same structure.

Usage:  /usr/bin/python3 bench/analysis/compare_peers.py <vitrum> [cells] [runs]

Structure: a noisy fcc crystal (a = 4.0 A, sigma = 0.1 A per axis, periodic), cells^3 cubic
cells (default 40 -> 256,000 atoms), rc = 3.4 A (its first g(r) valley). Written once as
extended XYZ (read by vitrum and, as `id x y z`, by voro++) and as LAMMPS data.

Pairs timed (wall clock of the whole command, file reading included; hyperfine if present):
  g(r), 100 shells to 10 A:  vitrum analyze analyses=gr      vs  LAMMPS compute rdf
  Q4/Q6 (vitrum also Q4bar/Q6bar and the crystal labels):
                             vitrum analyze analyses=boo     vs  LAMMPS compute orientorder/atom
  Voronoi volumes + indices: vitrum analyze analyses=voronoi (1 % regulation, re-tessellated)
                             vs  LAMMPS compute voronoi/atom edge_histo 6 (no regulation:
                             its edge_histo is wrong with face_threshold, PHYSICS.md section 7)
                             and the voro++ command line (-p, "%i %v %A", no regulation).
vitrum uses 2 threads; LAMMPS runs with `mpirun -np 2` (and serially); voro++ is serial.
Prints each time and the ratio peer / vitrum (> 1: vitrum faster).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

RC = 3.4


def make_structure(work, cells):
    import numpy as np
    rng = np.random.default_rng(1)
    a = 4.0
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    g = np.stack(np.meshgrid(*(np.arange(cells),) * 3, indexing="ij"), -1).reshape(-1, 3)
    pos = ((g[:, None, :] + basis[None]).reshape(-1, 3) * a + rng.normal(0, 0.1, (len(g) * 4, 3)))
    length = cells * a
    pos %= length
    with open(os.path.join(work, "fcc.xyz"), "w") as f:
        f.write("%d\nLattice=\"%g 0 0 0 %g 0 0 0 %g\" Properties=species:S:1:pos:R:3 "
                "pbc=\"T T T\"\n" % (len(pos), length, length, length))
        np.savetxt(f, pos, fmt="Pd %.6f %.6f %.6f")
    with open(os.path.join(work, "pts"), "w") as f:
        np.savetxt(f, np.column_stack([np.arange(len(pos)), pos]), fmt="%d %.6f %.6f %.6f")
    return len(pos), length


def lammps_input(work, name, body, pair_cut):
    with open(os.path.join(work, name), "w") as f:
        f.write("units metal\natom_style atomic\nboundary p p p\nread_data fcc.data\n"
                "pair_style zero %g\npair_coeff * *\nneighbor 0.3 bin\n%s\nrun 0\n"
                % (pair_cut, body))


def time_command(cmd, work, runs):
    if shutil.which("hyperfine"):
        out = os.path.join(work, "hf.json")
        subprocess.run(["hyperfine", "--runs", str(runs), "--export-json", out, "--style", "none",
                        "--shell=bash", cmd], cwd=work, check=True,
                       capture_output=True)
        return json.load(open(out))["results"][0]["median"]
    best = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=work, shell=True, check=True, capture_output=True)
        best.append(time.perf_counter() - t)
    return sorted(best)[len(best) // 2]


def main():
    vitrum = os.path.abspath(sys.argv[1])
    cells = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    work = tempfile.mkdtemp(prefix="vitrum_compare_")
    try:
        n, length = make_structure(work, cells)
        subprocess.run([vitrum, "--quiet", "convert", "fcc.xyz", "fcc.data"], cwd=work, check=True)
        v = ("%s --quiet --threads 2 analyze --model fcc.xyz --out a.h5 --set rc_A=%g "
             "--set plots=none --set analyses=" % (vitrum, RC))
        lammps_input(work, "in.rdf", "compute g all rdf 100 cutoff 10.0\n"
                     "fix r all ave/time 1 1 1 c_g[*] file rdf.txt mode vector", 10.0)
        lammps_input(work, "in.boo", "compute q all orientorder/atom degrees 2 4 6 components 6 "
                     "nnn NULL cutoff %g\ndump d all custom 1 q.txt id c_q[1] c_q[2]" % RC, RC)
        lammps_input(work, "in.vor", "compute v all voronoi/atom edge_histo 6\n"
                     "dump d all custom 1 v.txt id c_v[1] c_v[2]", RC)
        have_lmp = shutil.which("lmp") is not None
        have_mpi = shutil.which("mpirun") is not None
        lmp2 = "mpirun --allow-run-as-root --oversubscribe -np 2 lmp -log none -screen none -in "
        lmp1 = "lmp -log none -screen none -in "
        rows = []

        def pair(label, vitrum_cmd, peers):
            tv = time_command(vitrum_cmd, work, runs)
            if not peers:
                print("%-8s vitrum %7.2f s" % (label, tv), flush=True)
            for peer_label, peer_cmd in peers:
                tp = time_command(peer_cmd, work, runs)
                rows.append((label, tv, peer_label, tp))
                print("%-8s vitrum %7.2f s | %-34s %7.2f s | ratio %5.2f" %
                      (label, tv, peer_label, tp, tp / tv), flush=True)

        peers_gr, peers_boo, peers_vor = [], [], []
        if have_lmp:
            if have_mpi:
                peers_gr.append(("LAMMPS rdf (mpirun -np 2)", lmp2 + "in.rdf"))
                peers_boo.append(("LAMMPS orientorder (mpirun -np 2)", lmp2 + "in.boo"))
                peers_vor.append(("LAMMPS voronoi/atom (mpirun -np 2)", lmp2 + "in.vor"))
            peers_gr.append(("LAMMPS rdf (serial)", lmp1 + "in.rdf"))
            peers_boo.append(("LAMMPS orientorder (serial)", lmp1 + "in.boo"))
            peers_vor.append(("LAMMPS voronoi/atom (serial)", lmp1 + "in.vor"))
        if shutil.which("voro++"):
            peers_vor.append(("voro++ CLI (serial)",
                              "voro++ -p -c '%%i %%v %%A' 0 %g 0 %g 0 %g pts" % ((length,) * 3)))
        print("structure: noisy fcc, %d atoms, box %.1f A, rc %.1f A, %d runs each (median)"
              % (n, length, RC, runs), flush=True)
        pair("g(r)", v + "gr", peers_gr)
        pair("BOO", v + "boo", peers_boo)
        pair("Voronoi", v + "voronoi", peers_vor)
        pair("all", v + "gr,boo,voronoi,sro,motifs,pbn,density", [])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
