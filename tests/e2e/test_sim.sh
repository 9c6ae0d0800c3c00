#!/usr/bin/env bash
# `vitrum sim` as a user runs it: recipes listed; a tiny Ta quench written with its snapshots,
# thermo log, potential checksum and crystallinity; bad configurations refused before LAMMPS
# starts; a LAMMPS failure reported with LAMMPS' own message while vitrum survives; a killed
# run resumed from its checkpoint; two MPI ranks. Usage: test_sim.sh <vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
py=/usr/bin/python3
tiny=(--recipe ta-small --set atoms=250 --set melt.time_ps=1 --set quench.cooling_K_per_ps=2000
      --set quench.hold_ps=0.5 --set "quench.snapshots_K=[2000]" --set output.thermo_ps=0.05)
# 1 ps melt + 4,900 K at 2,000 K/ps + 0.5 ps hold at 2 fs = 500 + 1,225 + 250 steps; the thermo
# interval (25 steps) divides it, so the log ends on the last step.

expect 0 "ta-small .*2,000 atoms" -- "$vitrum" sim --list-recipes
for r in ta pd zrcunial ni mg3; do
  grep -q "^$r " <<<"$("$vitrum" sim --list-recipes)" && grep -q "^$r-small " <<<"$("$vitrum" sim --list-recipes)" && ok || bad "recipe $r or $r-small missing"
done

# A tiny quench, end to end.
expect 0 "wrote 250 atoms and 3 snapshots" -- "$vitrum" sim "${tiny[@]}" --out glass.h5
[[ -d glass.h5.md ]] && bad "the job directory was left behind" || ok
sha=$(sha256sum /usr/share/lammps/potentials/CuTa.eam.alloy | cut -d' ' -f1)
$py - "$sha" <<'PY' && ok || bad "glass.h5 content"
import sys, h5py, numpy as np
f = h5py.File("glass.h5", "r")
assert f["atoms/positions"].shape == (250, 3) and set(f["atoms/Z"][:]) == {73}
assert [f["snapshots"][k].attrs["stage"] for k in "012"] == ["melt", "quench", "final"]
assert f["snapshots/1"].attrs["target_K"] == 2000
for k in "012":
    c = f["snapshots"][k].attrs["crystalline_fraction"]
    assert 0 <= c <= 1, c
p = f["potential"].attrs
assert p["sha256"] == sys.argv[1] and p["style"] == "eam/alloy" and p["elements"] == "Ta", dict(p)
steps = f["thermo/step"][:]
assert steps[0] == 0 and steps[-1] == 1975 and np.all(np.diff(steps) == 25), steps
assert f["thermo/temperature_K"][0] == 5200 and f["thermo/temperature_K"][-1] < 700
assert "sim" in f["meta"].attrs["command"]
PY
expect 0 "" -- "$vitrum" --quiet convert glass.h5 glass.xyz
$py -c "import ase.io; a = ase.io.read('glass.xyz'); assert len(a) == 250 and a.pbc.all()" && ok || bad "ASE cannot read the glass"

# A particle from the glass, its surfaces relaxed in the MD worker with the glass's potential.
expect 0 "relaxed: RMS displacement" -- "$vitrum" specimen --model glass.h5 --set shape=sphere \
  --set particle.radius_A=8 --set relax_ps=0.2 --out particle.h5
$py - <<'PY' && ok || bad "relaxed particle content"
import h5py, numpy as np
f = h5py.File("particle.h5", "r")
x = f["atoms/positions"][:]
assert len(x) > 100 and f["atoms/label"].shape == (len(x),) and not f["atoms/pbc"][:].any()
d = np.linalg.norm(x - x.mean(0), axis=1)
assert d.max() < 8 + 1.0, d.max()  # still a ball of radius ~8 Å
PY
[[ -d particle.h5.md ]] && bad "the relaxation's job directory was left behind" || ok
expect 2 "relax.potential" -- "$vitrum" specimen --model glass.xyz --set particle.radius_A=8 \
  --set relax_ps=0.2 --out p.h5

# Bad configurations: refused before LAMMPS starts, exit 2.
expect 2 "unknown recipe 'tantalum'" -- "$vitrum" sim --recipe tantalum --out x.h5
expect 2 "sum to 0.9" -- "$vitrum" sim "${tiny[@]}" --set composition=Ta:0.5,Cu:0.4 --out x.h5
expect 2 "covers Pd, not Ta" -- "$vitrum" sim "${tiny[@]}" --set potential=Pd_u3.eam --out x.h5
expect 2 "not found" -- "$vitrum" sim "${tiny[@]}" --set potential=missing.eam.alloy --out x.h5
expect 2 "proxy" -- "$vitrum" sim --recipe mg3-small --set proxies= --out x.h5
expect 2 "--out is required" -- "$vitrum" sim --recipe ta-small
expect 2 "melt.temperature_K" -- "$vitrum" sim "${tiny[@]}" --set melt.temperatur_K=3000 --out x.h5
[[ -e x.h5 ]] && bad "a refused run wrote x.h5" || ok

# LAMMPS fails inside the worker (a potential file cut after its header): vitrum reports
# LAMMPS' message and the stage, exits 1, writes nothing.
head -n 6 /usr/share/lammps/potentials/CuTa.eam.alloy > cut.eam.alloy
expect 1 "setup.*ERROR.*potential file" -- "$vitrum" --quiet sim "${tiny[@]}" --set potential=cut.eam.alloy --out cut.h5
[[ -e cut.h5 ]] && bad "a failed run wrote cut.h5" || ok

# Kill the worker after its first checkpoint, then resume.
"$vitrum" --quiet sim "${tiny[@]}" --set melt.time_ps=4 --set output.checkpoint_ps=1 --out r.h5 \
  2>resume.err &
parent=$!
for _ in $(seq 600); do [[ -s r.h5.md/checkpoint.step ]] && break; sleep 0.1; done
pkill -f "sim-worker --job .*r.h5.md" || bad "no worker to kill"
wait $parent && rc=0 || rc=$?
[[ $rc -eq 1 ]] && grep -q "killed by signal" resume.err && ok || bad "killed worker: rc $rc, $(cat resume.err)"
[[ -e r.h5 ]] && bad "an interrupted run wrote r.h5" || ok
expect 0 "resuming at step [1-9]" -- "$vitrum" sim --resume --out r.h5
$py - <<'PY' && ok || bad "resumed run's content"
import h5py, numpy as np
f = h5py.File("r.h5", "r")
steps = f["thermo/step"][:]
assert np.all(np.diff(steps) > 0), "thermo steps repeat"
assert steps[-1] == 2000 + 1225 + 250, steps[-1]  # 4 ps melt, 4,900 K at 2,000 K/ps, 0.5 ps hold
assert [f["snapshots"][k].attrs["stage"] for k in "012"] == ["melt", "quench", "final"]
PY
expect 2 "nothing to resume" -- "$vitrum" sim --resume --out never.h5

# Two MPI ranks (the worker under mpirun).
expect 0 "on 2 rank" -- "$vitrum" sim "${tiny[@]}" --set mpi_ranks=2 --out np2.h5

finish test_sim
