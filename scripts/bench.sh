#!/usr/bin/env bash
# The benchmark suite (docs/benchmarks.md): every benchmark program, each
# figure printed next to its reference measured in the same run.
#
#   scripts/bench.sh           the sizes docs/benchmarks.md records (about 5 minutes on 2 cores,
#                              then parcours_suite at 1,000,000 persons: 30 minutes or more),
#                              which writes its table into docs/benchmarks.md
#   scripts/bench.sh --quick   small sizes, to prove the programs still work; the test suite
#                              runs it (ctest bench.quick) and its figures mean nothing
#
# Programs are taken from build/bin (PARCOURS_BENCH_BIN to change it): run
# scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: scripts/bench.sh [--quick]" >&2; exit 2 ;;
esac
bin=${PARCOURS_BENCH_BIN:-build/bin}
for program in parcours_bench parcours_server_bench parcours_disk_bench parcours_import_bench \
  parcours_suite parcours; do
  if [ ! -x "$bin/$program" ]; then
    echo "bench: $bin/$program is missing: build it with scripts/setup.sh" >&2
    exit 2
  fi
done

run() {
  echo
  echo "== $*"
  "$@"
}
if [ "$quick" = 1 ]; then
  run "$bin/parcours_bench" --benchmark_min_time=0.001 --benchmark_filter='Codec|RecordInterview|ShowPathway|/100$|Open'
  run "$bin/parcours_server_bench" 0.2
  run "$bin/parcours_disk_bench" 200
  run "$bin/parcours_import_bench" 300
  run "$bin/parcours_suite" --quick
else
  run "$bin/parcours_bench" --benchmark_min_time=1
  run "$bin/parcours_server_bench" 3
  run "$bin/parcours_disk_bench" 50000
  run "$bin/parcours_suite" --write docs/benchmarks.md
fi
