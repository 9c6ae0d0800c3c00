# Shared by the end-to-end scripts (sourced): a scratch folder removed on exit and made the
# working directory, and pass/fail counters. Report with `finish NAME`.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# expect CODE PATTERN -- command...: exit code and a pattern in stderr (or stdout for code 0).
expect() {
  local code=$1 pattern=$2
  shift 3
  local out err rc
  out=$("$@" 2>"$work/stderr") && rc=0 || rc=$?
  err=$(cat "$work/stderr")
  if [[ $rc -ne $code ]]; then bad "$* exited $rc, expected $code; stderr: $err"; return; fi
  if [[ -n "$pattern" ]] && ! grep -qE -- "$pattern" <<<"$out$err"; then
    bad "$*: output lacks /$pattern/: $out $err"; return
  fi
  ok
}
finish() {
  echo "$1: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
# ta_particle: particle.xyz alone, the model of ta_particle_volume (below).
ta_particle() {
  /usr/bin/python3 - <<'PY' || bad "making the particle"
import numpy as np
rng = np.random.default_rng(2026)
atoms = []
while len(atoms) < 60:
    p = rng.uniform(-6.5, 6.5, 3)
    if np.linalg.norm(p) <= 6.5 and all(np.linalg.norm(p - q) >= 2.4 for q in atoms):
        atoms.append(p)
with open("particle.xyz", "w") as f:
    f.write('60\nLattice="20 0 0 0 20 0 0 0 20" Properties=species:S:1:pos:R:3 pbc="F F F"\n')
    for p in atoms:
        f.write("Ta %.4f %.4f %.4f\n" % tuple(p + 10.0))
PY
}
# ta_particle_volume: the shared input of the tracing tests — particle.xyz, 60 random Ta atoms
# ≥ 2.4 Å apart in a sphere of radius 6.5 Å about (10, 10, 10) (random sequential addition,
# seed 2026); tilts.h5, its linear-model series with shot noise (0.4 Å pixels, atoms of
# σ = 0.4 Å, 31 tilts over ±70° — a 40° missing wedge, as in AET — 2·10⁴ e/Å² per
# projection); volume.h5, 150 RESIRE iterations on 0.4 Å voxels. Needs $vitrum.
ta_particle_volume() {
  ta_particle
  if "$vitrum" --quiet stem --model particle.xyz --out tilts.h5 --set model=linear \
      --set scan.step_A=0.4 --set scan.margin_A=3 --set tilt.min_deg=-70 --set tilt.max_deg=70 \
      --set tilt.count=31 --set linear.width_A=0.4 --set acquisition.dose_e_per_A2=2e4; then ok
  else bad "stem failed"; fi
  if "$vitrum" --quiet tomo --tilts tilts.h5 --out volume.h5 --set iterations=150; then ok
  else bad "tomo failed"; fi
}
