#!/bin/bash
# Many short commands leave few files: no table file per process, write-ahead
# logs flushed and level-0 files compacted as they pile up (store_db.cc).
. "$(dirname "$0")/lib.sh" "$@"
new_store
w=$(new_pathway "Awa Diallo" 1991-04-02 F)
[ -n "$w" ] || fail "enroll"
most=0
for n in $(seq 200); do
  record "$w" >/dev/null || fail "record #$n"
  [ $((n % 5)) -eq 0 ] && p --json show "$w" >/dev/null
  files=$(find "$S" -maxdepth 1 \( -name '*.sst' -o -name '*.log' \) | wc -l)
  [ "$files" -gt "$most" ] && most=$files
done
[ "$most" -lt 30 ] || fail "up to $most .sst and .log files after 200 commands"
manifests=$(find "$S" -maxdepth 1 -name 'MANIFEST-*' | wc -l)
options=$(find "$S" -maxdepth 1 -name 'OPTIONS-*' | wc -l)
[ "$manifests" -eq 1 ] && [ "$options" -le 2 ] || fail "$manifests MANIFEST and $options OPTIONS files"
events=$(p --json show "$w" | count_events)
[ "$events" -eq 201 ] || fail "$events events, expected 201"
ok "200 record commands: at most $most .sst + .log files, all 201 events kept"
