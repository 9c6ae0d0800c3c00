#!/usr/bin/python3
"""Library-mode overhead of `vitrum sim` against the `lmp` executable on the same input.

vitrum writes the LAMMPS input its run executes (`vitrum sim --lammps-input`); hyperfine then
times the whole `vitrum sim` command (worker process, snapshots, checkpoints, crystallinity,
HDF5) and `lmp -in` on that input, with 1 and 2 MPI ranks, and prints the ratios (target:
≤ 3 % overhead). It also measures atom-steps per second on the full 31,250-atom Ta system and
projects the wall time of the seed-001 quench (5,200 → 300 K at 1e13 K/s plus 50 ps melt and
10 ps hold: 275,000 steps of 2 fs).

Usage: bench/sim/compare_lmp.py <vitrum> [--runs N] [--skip-full]
Needs Debian's lammps (lmp), openmpi-bin (mpirun), hyperfine and python3-h5py.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import h5py

WORKLOAD = [  # 2,000 Ta atoms: 4 ps melt, 4,900 K at 1,000 K/ps, 1 ps hold = 4,950 steps
    "--recipe", "ta-small", "--set", "melt.time_ps=4", "--set", "quench.cooling_K_per_ps=1000",
    "--set", "quench.hold_ps=1", "--set", "quench.snapshots_K=[2000]",
]
MPIRUN = ["mpirun", "--allow-run-as-root"] if os.geteuid() == 0 else ["mpirun"]


def hyperfine(commands, runs, json_path):
    args = ["hyperfine", "--runs", str(runs), "--export-json", json_path, "--style", "basic"]
    for name, command in commands:
        args += ["-n", name, command]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    with open(json_path) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def quote(args):
    return " ".join(f"'{a}'" if any(c in a for c in "[]* ") else a for a in args)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vitrum")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-full", action="store_true")
    a = parser.parse_args()
    vitrum = os.path.abspath(a.vitrum)
    os.chdir(tempfile.mkdtemp(prefix="vitrum_bench_sim_"))
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    subprocess.run([vitrum, "--quiet", "sim", *WORKLOAD, "--out", "lmp.h5",
                    "--lammps-input", "in.lmp"], check=True)
    lmp = "lmp -in in.lmp -log none -screen none -nocite"
    print(f"workload: 2,000 Ta atoms, 4,950 steps (9.9e6 atom-steps); {a.runs} runs each; "
          f"load average {os.getloadavg()[0]:.1f}")
    for ranks in (1, 2):
        lib = quote([vitrum, "--quiet", "sim", *WORKLOAD, "--set", f"mpi_ranks={ranks}",
                     "--keep-work", "--out", f"lib{ranks}.h5"])
        peer = lmp if ranks == 1 else f"{' '.join(MPIRUN)} -np 2 {lmp}"
        os.environ.update(env)
        r = hyperfine([("vitrum", lib), ("lmp", peer)], a.runs, f"np{ranks}.json")
        t_lib, t_lmp = r["vitrum"]["mean"], r["lmp"]["mean"]
        # The MD wall time is not in the model file (same seed, same bytes); the worker's own
        # result in the kept job folder has it.
        with h5py.File(f"lib{ranks}.h5.md/result.h5", "r") as f:
            md_s = f["md"].attrs["wall_s"]
            atom_steps = f["md"].attrs["atom_steps"]
        print(f"{ranks} rank(s): vitrum sim {t_lib:.2f} s (MD {md_s:.2f} s), lmp {t_lmp:.2f} s "
              f"(± {r['lmp']['stddev'] or 0:.2f}); whole command / lmp = {t_lib / t_lmp:.3f}, "
              f"MD part / lmp = {md_s / t_lmp:.3f}; {atom_steps / md_s:.3g} atom-steps/s")

    if a.skip_full:
        return
    full_steps = 25000 + 245000 + 5000  # 50 ps melt, 490 ps ramp, 10 ps hold at 2 fs
    for ranks in (1, 2):
        out = f"full{ranks}.h5"
        subprocess.run([vitrum, "--quiet", "sim", "--recipe", "ta", "--set", "melt.time_ps=1",
                        "--set", "quench.cooling_K_per_ps=4900", "--set", "quench.hold_ps=0",
                        "--set", "quench.snapshots_K=[]", "--set", f"mpi_ranks={ranks}",
                        "--keep-work", "--out", out], check=True, env=env)
        with h5py.File(out + ".md/result.h5", "r") as f:
            rate = f["md"].attrs["atom_steps"] / f["md"].attrs["wall_s"]
        hours = 31250 * full_steps / rate / 3600
        print(f"31,250 Ta atoms, {ranks} rank(s): {rate:.3g} atom-steps/s → the seed-001 quench "
              f"({full_steps:,} steps) would take {hours:.1f} h")


if __name__ == "__main__":
    sys.exit(main())
