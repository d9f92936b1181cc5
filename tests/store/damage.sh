#!/bin/bash
# A store after a crash or damage (docs/architecture.md#durability): processes
# killed while writing lose no acknowledged write; a write-ahead log that is
# truncated, corrupted or deleted makes every command refuse (exit 5) instead
# of recovering silently to an earlier state.
. "$(dirname "$0")/lib.sh" "$@"
new_store
w=$(new_pathway "Awa Diallo" 1991-04-02 F)
[ -n "$w" ] || fail "enroll"

# 1. SIGKILL at random moments of 25 record commands.
acked=1
for n in $(seq 25); do
  "$BIN" --data "$S" --actor lea.moreau --no-default-plugins record "$w" interview --field mode=phone >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
  kill -9 $pid 2>/dev/null
  wait $pid && acked=$((acked + 1))
done
out=$(p --json show "$w" 2>"$TMP/show.err") || fail "show after SIGKILLs: $(cat "$TMP/show.err")"
events=$(echo "$out" | count_events)
[ "$events" -ge "$acked" ] || fail "$events events after $acked acknowledged writes"
record "$w" >/dev/null || fail "record after SIGKILLs"
ok "25 SIGKILLed writers: $acked acknowledged, $events kept, the store still writes"

# 2. Damaged write-ahead logs. The newest log holding something is the one
#    with the last acknowledged write.
newest_log() { find "$S" -maxdepth 1 -name '*.log' -size +0 | sort | tail -1; }
# A writer may have just flushed every log into table files: write until the
# last acknowledged write is in a log.
for n in 1 2 3; do [ -n "$(newest_log)" ] && break; record "$w" >/dev/null || fail "record"; done
cp -a "$S" "$TMP/intact"
for damage in truncate corrupt delete; do
  rm -rf "$S" && cp -a "$TMP/intact" "$S"
  log=$(newest_log)
  [ -n "$log" ] || fail "no write-ahead log to damage"
  size=$(stat -c %s "$log")
  case $damage in
    truncate) truncate -s $((size - 1)) "$log" ;;
    corrupt)
      pos=$((size - 3))
      byte=$(od -An -tu1 -j $pos -N1 "$log" | tr -d ' ')
      printf "\\$(printf %o $((byte ^ 90)))" | dd of="$log" bs=1 seek=$pos conv=notrunc status=none ;;
    delete) rm "$log" ;;
  esac
  for args in "--json show $w" "record $w interview --field mode=phone" "caseload" "--json show $w"; do
    # shellcheck disable=SC2086
    p $args >/dev/null 2>"$TMP/damaged.err"; rc=$?
    [ $rc -eq 5 ] || fail "$damage: '$args' exited $rc, expected 5: $(cat "$TMP/damaged.err")"
    grep -q "write-ahead log is damaged, truncated or missing" "$TMP/damaged.err" ||
      fail "$damage: '$args' message: $(cat "$TMP/damaged.err")"
    grep -q "backup" "$TMP/damaged.err" || fail "$damage: no advice: $(cat "$TMP/damaged.err")"
  done
  ok "$damage the newest write-ahead log: every command exits 5, saying so"
done
