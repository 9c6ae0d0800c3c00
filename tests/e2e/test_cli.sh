#!/usr/bin/env bash
# The command line as a user meets it: help, version, exit codes (0 ok, 2 bad input),
# one-line errors naming the file, no output left behind on failure, convert round trips.
# Usage: test_cli.sh <path-to-vitrum>
set -uo pipefail
vitrum=$1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"


expect 0 '^vitrum [0-9]+\.[0-9]+\.[0-9]+' -- "$vitrum" --version
expect 0 'convert' -- "$vitrum" --help
expect 0 'LAMMPS' -- "$vitrum" convert --help
expect 2 'error: ' -- "$vitrum" no-such-command
expect 2 'error: ' -- "$vitrum"

# A small model in extended XYZ.
cat >model.xyz <<'XYZ'
3
Lattice="10 0 0 0 11 0 0 0 12" Properties=species:S:1:pos:R:3 pbc="T T T"
Ta 0.5 1.0 1.5
Pd 2.0 2.5 3.0
Ta 4.25 5.5 6.75
XYZ
expect 0 '' -- "$vitrum" --quiet convert model.xyz model.h5
expect 0 '' -- "$vitrum" --quiet convert model.h5 model.data
expect 0 '' -- "$vitrum" --quiet convert model.data back.xyz
if [[ -f back.xyz ]] && grep -q 'Pd' back.xyz && [[ $(head -1 back.xyz) == 3 ]]; then ok; else bad "round trip lost atoms"; fi

# Bad input: exit 2, one line naming the file, and no output file.
printf '3\n\nTa 0 0 0\nTa 1 1\n' >broken.xyz
expect 2 'broken\.xyz' -- "$vitrum" convert broken.xyz out.h5
[[ ! -e out.h5 ]] && ok || bad "a failed convert left out.h5 behind"
[[ -z $(ls | grep '\.tmp\.') ]] && ok || bad "a temporary file was left behind"
expect 2 'error: .*\.pdf' -- "$vitrum" convert model.xyz model.pdf
expect 2 'error: ' -- "$vitrum" convert missing.xyz out.xyz

# Config: defaults print, unknown keys and syntax errors name the place.
expect 0 'radius_A = ' -- "$vitrum" config defaults demo
printf '[particle]\nradius = 5\n' >typo.toml
expect 2 'did you mean "particle.radius_A".*typo\.toml:2' -- "$vitrum" specimen --model model.xyz --config typo.toml --out d
printf '[particle\nradius_A = 5\n' >syntax.toml
expect 2 'TOML syntax error.*syntax\.toml:1' -- "$vitrum" specimen --model model.xyz --config syntax.toml --out d
# The demo's embedded pipeline takes --set stage.key=value, checked before anything runs.
expect 2 'did you mean "particle.radius_A"' -- "$vitrum" demo --set specimen.particle.radius=5 --out d
expect 2 'particle.radius_A = -3.* out of range' -- "$vitrum" demo --set specimen.particle.radius_A=-3 --out d
expect 2 'unknown stage \[nosuch\]' -- "$vitrum" demo --set nosuch.key=1 --out d
[[ ! -e d ]] && ok || bad "a rejected demo created its output folder"

finish cli
