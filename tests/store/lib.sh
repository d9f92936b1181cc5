# Shared by the store script tests: sourced as `. lib.sh BIN SOURCE_DIR`.
# Each test runs the real binary on a store of its own in a temporary
# directory, with "today" fixed, and every command bounded in time.
set -u
BIN=$1
SRC=$2
export PARCOURS_TODAY=2026-11-21
unset PARCOURS_DATA PARCOURS_PLUGIN_PATH
TMP=$(mktemp -d)
cleanup() {
  # Only the background jobs this script started.
  local j
  for j in $(jobs -p); do kill "$j" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
S=$TMP/store

# parcours on the test store; no command may take more than 30 s.
p() { timeout 30 "$BIN" --data "$S" --actor lea.moreau --no-default-plugins "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# The value of a string key in one line of JSON on stdin.
json_string() { sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p'; }
# The number of events in `--json show` output on stdin.
count_events() { grep -o '"seq":' | wc -l; }
# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

new_store() {
  p init >/dev/null && p programme install "$SRC/workflows/insertion.yaml" >/dev/null ||
    fail "cannot make a store"
}

# Adds a person (NAME, BIRTH, SEX) and enrols them; prints the pathway id.
new_pathway() {
  local person
  person=$(p --json person add --name "$1" --birth "$2" --sex "$3" | json_string id)
  [ -n "$person" ] || fail "person add $1"
  p --json enroll "$person" insertion --field prescriber=france_travail | json_string pathway
}

record() { p record "$1" interview --field mode=phone; }
