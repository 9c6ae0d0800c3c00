#!/usr/bin/env bash
# `vitrum run` as a user runs it, on the toy chain of examples/pipeline_tiny.toml (a given
# 54-atom particle → stem (linear) → tomo → trace; no sim, to stay fast; no score stage,
# whose command may not be in the build): the run folder, run.json and per-stage logs are
# written; an unchanged re-run reuses every stage from the cache; a trace parameter re-runs
# only trace, a stem parameter stem, tomo and trace; the same pipeline keyed the same way
# from another folder; an unknown stage or parameter is refused before anything runs; a
# failing stage stops the run and names its log. Usage: test_run.sh <vitrum>
set -uo pipefail
vitrum=$1
examples="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples" && pwd)"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cp "$examples/pipeline_tiny.toml" "$examples/tiny_particle.xyz" .

# status FOLDER: "stage=status ..." from run.json, in run order.
status() {
  /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1] + "/run.json"))
print(" ".join(s["name"] + "=" + s["status"] for s in r["stages"]))' "$1"
}

# 1. A first run: every stage runs; outputs, logs, run.json and the pipeline copy are there.
expect 0 "stem: ran" -- "$vitrum" --threads 2 run pipeline_tiny.toml
[[ "$(status runs/tiny)" == "stem=ran tomo=ran trace=ran" ]] && ok || bad "first run: $(status runs/tiny)"
for f in stem/tilts.h5 stem/stem.log stem/stage.toml tomo/volume.h5 tomo/volume.mrc \
    tomo/tomo.log trace/traced.h5 trace/trace.log pipeline.toml pipeline.resolved.toml; do
  [[ -s runs/tiny/$f ]] && ok || bad "runs/tiny/$f missing"
done
grep -q "wrote" runs/tiny/trace/trace.log && ok || bad "trace.log lacks the command's output"
cmp -s pipeline_tiny.toml runs/tiny/pipeline.toml && ok || bad "pipeline file not copied"
/usr/bin/python3 - runs/tiny <<'PY' && ok || bad "run.json content"
import json, os, sys, hashlib
r = json.load(open(sys.argv[1] + "/run.json"))
assert r["status"] == "complete" and r["provenance"]["seed"] == 1, r
keys = set()
for s in r["stages"]:
    assert len(s["key"]) == 64 and s["exit_code"] == 0 and s["command"][0] == "vitrum", s
    assert s["name"] in s["command"] and "--config" in s["command"], s["command"]
    keys.add(s["key"])
    for o in s["outputs"]:
        path = os.path.join(sys.argv[1], s["name"], o["file"])
        assert hashlib.sha256(open(path, "rb").read()).hexdigest() == o["sha256"], path
    assert os.path.isfile(os.path.join(sys.argv[1], "cache", s["key"], "manifest.json"))
assert len(keys) == 3
PY

# 2. Unchanged: every stage reused, with the same keys (no timing in tests: DESIGN.md).
cp runs/tiny/run.json first.json
expect 0 "trace: reused" -- "$vitrum" run pipeline_tiny.toml
[[ "$(status runs/tiny)" == "stem=reused tomo=reused trace=reused" ]] && ok \
  || bad "unchanged re-run: $(status runs/tiny)"
/usr/bin/python3 - first.json runs/tiny/run.json <<'PY' && ok || bad "keys changed on a re-run"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert [s["key"] for s in a["stages"]] == [s["key"] for s in b["stages"]]
PY

# 3. A trace parameter re-runs trace only; a stem parameter stem, tomo and trace.
expect 0 "" -- "$vitrum" run pipeline_tiny.toml --set trace.min_distance_A=2.2
[[ "$(status runs/tiny)" == "stem=reused tomo=reused trace=ran" ]] && ok \
  || bad "trace change: $(status runs/tiny)"
grep -q "min_distance_A = 2.2" runs/tiny/trace/stage.toml && ok || bad "override not passed on"
expect 0 "" -- "$vitrum" run pipeline_tiny.toml --set stem.tilt.count=11
[[ "$(status runs/tiny)" == "stem=ran tomo=ran trace=ran" ]] && ok \
  || bad "stem change: $(status runs/tiny)"
# Back to the file as written: everything is in the cache again.
expect 0 "" -- "$vitrum" run pipeline_tiny.toml
[[ "$(status runs/tiny)" == "stem=reused tomo=reused trace=reused" ]] && ok \
  || bad "back to the original: $(status runs/tiny)"
# A seed change is a new key for every stage.
expect 0 "" -- "$vitrum" --seed 2 run pipeline_tiny.toml --out seed2 --set run.cache=runs/tiny/cache
[[ "$(status seed2)" == "stem=ran tomo=ran trace=ran" ]] && ok || bad "new seed: $(status seed2)"
# The same pipeline in another folder sharing the cache: all reused.
expect 0 "" -- "$vitrum" run pipeline_tiny.toml --out other --set run.cache=runs/tiny/cache
[[ "$(status other)" == "stem=reused tomo=reused trace=reused" ]] && ok \
  || bad "shared cache: $(status other)"

# Another build of vitrum (here: the same binary with one byte more) reuses nothing: the key
# covers the executable, not only the version string.
cp "$vitrum" rebuilt && printf '\0' >>rebuilt && chmod +x rebuilt
expect 0 "" -- ./rebuilt run pipeline_tiny.toml --out rebuilt_run --set run.cache=runs/tiny/cache
[[ "$(status rebuilt_run)" == "stem=ran tomo=ran trace=ran" ]] && ok \
  || bad "another executable reused stages: $(status rebuilt_run)"

# 4. A damaged cache entry is not reused; an interrupted run's temporary folder is removed.
mkdir -p runs/tiny/cache/.tmp-0123-999999999 && touch runs/tiny/cache/.tmp-0123-999999999/x
key=$(/usr/bin/python3 -c 'import json; print(json.load(open("runs/tiny/run.json"))["stages"][2]["key"])')
chmod u+w "runs/tiny/cache/$key/traced.h5" && echo x >>"runs/tiny/cache/$key/traced.h5"
expect 0 "" -- "$vitrum" run pipeline_tiny.toml
[[ "$(status runs/tiny)" == "stem=reused tomo=reused trace=ran" ]] && ok \
  || bad "damaged entry: $(status runs/tiny)"
[[ ! -e runs/tiny/cache/.tmp-0123-999999999 ]] && ok || bad "abandoned temporary folder kept"

# 5. Refused before any stage runs (exit 2, no run folder): an unknown stage, an unknown
#    parameter, a bad value, a missing input, a stage nothing feeds.
expect 2 "unknown stage \[stemm\].*did you mean \"stem\".*known: run, sim, specimen, stem, tomo, trace, score" \
  -- "$vitrum" run pipeline_tiny.toml --out refused --set stemm.x=1
expect 2 "scan.stepA.*scan.step_A" -- "$vitrum" run pipeline_tiny.toml --out refused \
  --set stem.scan.stepA=1
expect 2 "\[trace\].*min_distance_A" -- "$vitrum" run pipeline_tiny.toml --out refused \
  --set trace.min_distance_A=-1
expect 2 "unknown key run.sed" -- "$vitrum" run pipeline_tiny.toml --out refused --set run.sed=1
expect 2 "no such file" -- "$vitrum" run pipeline_tiny.toml --out refused \
  --set stem.inputs.model=nothere.xyz
printf '[tomo]\niterations = 3\n' >orphan.toml
expect 2 "stage tomo needs a tilts file.*\[stem\]" -- "$vitrum" run orphan.toml --out refused
[[ ! -e refused ]] && ok || bad "a refused pipeline left a run folder"

# 6. A failing stage: trace given a model file as its volume fails at run time (exit 2).
expect 2 "stage trace failed \(exit 2\); see broken/trace/trace.log" -- "$vitrum" run \
  pipeline_tiny.toml --out broken --set run.cache=runs/tiny/cache \
  --set trace.inputs.volume=tiny_particle.xyz
[[ -s broken/trace/trace.log && ! -e broken/trace/traced.h5 ]] && ok || bad "failed stage folder"
grep -q "error:" broken/trace/trace.log && ok || bad "the log lacks the stage's error"
[[ "$(status broken)" == "stem=reused tomo=reused trace=failed" ]] && ok \
  || bad "failed run: $(status broken)"
ls -A runs/tiny/cache | grep -q '^\.tmp' && bad "a temporary cache folder was left" || ok

# 7. A score stage runs when `vitrum score` is in the build, else is skipped.
cat pipeline_tiny.toml >scored.toml
printf '\n[score]\n' >>scored.toml
expect 0 "" -- "$vitrum" run scored.toml --out scored --set run.cache=runs/tiny/cache
if "$vitrum" --help | grep -qE '^ +score( |$)'; then
  [[ "$(status scored)" == "stem=reused tomo=reused trace=reused score=ran" ]] && ok \
    || bad "score stage: $(status scored)"
else
  [[ "$(status scored)" == "stem=reused tomo=reused trace=reused score=skipped" ]] && ok \
    || bad "score stage: $(status scored)"
fi

finish test_run
