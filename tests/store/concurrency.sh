#!/bin/bash
# Readers and writers of one store at the same time (docs/architecture.md#concurrency):
# concurrent writers wait their turn, readers never see a false alarm or an
# older state than the last write acknowledged before they started, and
# --wait bounds the wait.
. "$(dirname "$0")/lib.sh" "$@"
new_store

# 1. Four writers at once, each on its own pathway: every command succeeds.
W=()
W+=("$(new_pathway "Awa Diallo" 1991-04-02 F)")
W+=("$(new_pathway "Karim Benali" 1988-07-12 M)")
W+=("$(new_pathway "Lina Moreau" 1995-01-30 F)")
W+=("$(new_pathway "Yann Le Gall" 1979-11-05 M)")
for w in "${W[@]}"; do [ -n "$w" ] || fail "enroll"; done
for i in 0 1 2 3; do
  (for n in $(seq 10); do
     record "${W[$i]}" >/dev/null 2>>"$TMP/writer$i.err" || echo "record #$n exited $?" >>"$TMP/writer$i.fail"
   done) &
done
wait
for i in 0 1 2 3; do
  [ -e "$TMP/writer$i.fail" ] && fail "concurrent writer $i: $(cat "$TMP/writer$i.fail") $(head -3 "$TMP/writer$i.err")"
  events=$(p --json show "${W[$i]}" | count_events)
  [ "$events" -eq 11 ] || fail "pathway ${W[$i]} has $events events, expected 11"
done
ok "4 concurrent writers x 10 records: all exit 0, no write lost"

# 2. One writer, two readers looping on the same pathway.
w=${W[0]}
echo 11 >"$TMP/acked"
(for n in $(seq 12 41); do
   record "$w" >/dev/null 2>>"$TMP/loop-writer.err" || { echo "record exited $?" >"$TMP/loop-writer.fail"; break; }
   echo "$n" >"$TMP/acked.new" && mv "$TMP/acked.new" "$TMP/acked"
 done
 touch "$TMP/writer.done") &
reader() {
  local reads=0 acked out rc events
  while [ ! -e "$TMP/writer.done" ]; do
    acked=$(cat "$TMP/acked")
    out=$(p --json show "$w" 2>"$TMP/reader$1.err"); rc=$?
    [ $rc -eq 0 ] || { echo "show exited $rc: $(head -2 "$TMP/reader$1.err")" >"$TMP/reader$1.fail"; return; }
    events=$(echo "$out" | count_events)
    [ "$events" -ge "$acked" ] || { echo "show saw $events events after $acked were acknowledged" >"$TMP/reader$1.fail"; return; }
    p --json programme list >/dev/null 2>"$TMP/reader$1.err" || { echo "programme list exited $?: $(head -2 "$TMP/reader$1.err")" >"$TMP/reader$1.fail"; return; }
    reads=$((reads + 1))
  done
  echo "$reads" >"$TMP/reader$1.reads"
}
reader 1 &
reader 2 &
wait
[ -e "$TMP/loop-writer.fail" ] && fail "writer beside readers: $(cat "$TMP/loop-writer.fail") $(head -3 "$TMP/loop-writer.err")"
for r in 1 2; do
  [ -e "$TMP/reader$r.fail" ] && fail "reader $r: $(cat "$TMP/reader$r.fail")"
done
ok "30 writes beside $(cat "$TMP/reader1.reads") + $(cat "$TMP/reader2.reads") reads: no false alarm, no stale read"

# 3. A store held by another process: --wait 0 fails at once, --wait 0.5 after 0.5 s.
# "At once" is measured beyond what starting the process takes (seconds under
# AddressSanitizer): the time of `--version`.
start=$(now_ms)
p --version >/dev/null
startup=$(($(now_ms) - start))
flock -o -x "$S/parcours.lock" sleep 20 &
holder=$!
sleep 0.3
for args in "record $w interview --field mode=phone" "--json show $w"; do
  start=$(now_ms)
  # shellcheck disable=SC2086
  p --wait 0 $args >/dev/null 2>"$TMP/busy.err"; rc=$?
  took=$(($(now_ms) - start))
  [ $rc -eq 5 ] || fail "--wait 0 $args on a held store exited $rc, expected 5"
  grep -q "in use by another parcours process (waited 0 s)" "$TMP/busy.err" || fail "--wait 0 message: $(cat "$TMP/busy.err")"
  [ $took -lt $((startup + 1000)) ] || fail "--wait 0 took $took ms (starting the process takes $startup ms)"
done
start=$(now_ms)
p --wait 0.5 record "$w" interview --field mode=phone >/dev/null 2>"$TMP/busy.err"; rc=$?
took=$(($(now_ms) - start))
[ $rc -eq 5 ] || fail "--wait 0.5 on a held store exited $rc"
[ $took -ge 500 ] && [ $took -lt $((startup + 3000)) ] || fail "--wait 0.5 took $took ms"
grep -q "waited 0.5 s" "$TMP/busy.err" || fail "--wait 0.5 message: $(cat "$TMP/busy.err")"
kill $holder
wait $holder 2>/dev/null
record "$w" >/dev/null || fail "record once the store is released"
ok "held store: --wait 0 exits 5 at once, --wait 0.5 after ${took} ms, then writes work again"
