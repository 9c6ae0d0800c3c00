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
