#!/usr/bin/env bash
# The plugin SDK as a plugin author gets it: installs the Parcours build into
# a temporary prefix, builds examples/plugin-template out of tree against
# that prefix only, then loads the plugin in the real CLI, runs the installed
# conformance suite on it, uses its bundled workflow, report, guard, action
# and field type on a real store, and checks that the installed parcours finds
# the plugin once installed next to it. Also checks that a plugin including an
# engine header (not the SDK) does not compile against the installed package.
#
#   out_of_tree_test.sh SOURCE_DIR BUILD_DIR WORK_DIR CMAKE CTEST GENERATOR CXX_COMPILER
#
# Fails on the first step that fails, naming it, with that step's output.
# Everything it writes is under WORK_DIR (emptied first, kept for inspection).
set -uo pipefail

if [ $# -ne 7 ]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR WORK_DIR CMAKE CTEST GENERATOR CXX_COMPILER" >&2
  exit 2
fi
src=$1 build=$2 work=$3 cmake=$4 ctest=$5 generator=$6 cxx=$7

prefix=$work/prefix
template_build=$work/template-build
store=$work/store
log=$work/step.log
step=""

rm -rf "$work" && mkdir -p "$work" || exit 1
# Nothing from the caller's environment may point the host elsewhere.
unset PARCOURS_PLUGIN_PATH PARCOURS_DATA PARCOURS_CONFORMANCE_PLUGIN
export PARCOURS_TODAY=2026-11-21

fail() {
  echo "FAILED at step \"$step\": $*" >&2
  if [ -s "$log" ]; then
    echo "---- output of the step ----" >&2
    tail -n 80 "$log" >&2
  fi
  echo "(everything is kept in $work)" >&2
  exit 1
}
begin() {
  step=$1
  : >"$log"
  echo "== $step"
}
# run CMD...: runs it with its output in the log; fails the step unless it exits 0.
run() {
  "$@" >"$log" 2>&1 || fail "exit code $? from: $*"
}
# expect_exit CODE CMD...: runs it; fails the step unless it exits with CODE.
expect_exit() {
  local code=$1
  shift
  "$@" >"$log" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "exit code $got (expected $code) from: $*"
}
# expect_output TEXT: the last command's output contains TEXT.
expect_output() {
  grep -qF -- "$1" "$log" || fail "the output does not contain: $1"
}
# expect_json TEXT: the last command's JSON output, without blanks, contains TEXT.
expect_json() {
  tr -d ' \n' <"$log" | grep -qF -- "$1" || fail "the JSON output does not contain: $1"
}

parcours=("$build/bin/parcours" --data "$store" --no-default-plugins)

# ---------------------------------------------------------------------------
begin "install the Parcours build into a temporary prefix"
run "$cmake" --install "$build" --prefix "$prefix"
for f in include/parcours/sdk/abi.h include/parcours/sdk/plugin.h lib/cmake/Parcours/ParcoursConfig.cmake \
         lib/cmake/Parcours/ParcoursConfigVersion.cmake lib/cmake/Parcours/ParcoursTargets.cmake \
         lib/cmake/Parcours/ParcoursPlugin.cmake bin/parcours bin/parcours-plugin-conformance; do
  [ -e "$prefix/$f" ] || fail "the install has no $f"
done
extra=$(cd "$prefix/include/parcours" && ls | grep -vx sdk)
[ -z "$extra" ] || fail "the install ships engine headers next to the SDK: $extra"

# ---------------------------------------------------------------------------
begin "configure examples/plugin-template against the installed package"
run "$cmake" -S "$src/examples/plugin-template" -B "$template_build" -G "$generator" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-Werror \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
found=$(grep '^Parcours_DIR:' "$template_build/CMakeCache.txt" | cut -d= -f2-)
[ "$found" = "$prefix/lib/cmake/Parcours" ] || fail "find_package(Parcours) found $found, not the temporary prefix"

begin "build the template plugin (warnings are errors)"
run "$cmake" --build "$template_build"
plugin=$template_build/cej.so
[ -f "$plugin" ] || fail "no $plugin after the build"

begin "the template's own tests (the installed conformance suite, through parcours::plugin-conformance)"
run "$ctest" --test-dir "$template_build" --output-on-failure
expect_output "cej_conformance"
expect_output "100% tests passed"

# ---------------------------------------------------------------------------
begin "parcours plugins check the built plugin"
run "${parcours[@]}" --plugin "$plugin" plugins check "$plugin"
expect_output "Plugin cej 1.0.0"
expect_output "loads and passes its checks"

begin "parcours --plugin FILE plugins list"
run "${parcours[@]}" --plugin "$plugin" plugins list
expect_output "cej.eligible_age"
expect_output "cej.siret"

begin "the installed conformance suite on the built plugin"
run "$prefix/bin/parcours-plugin-conformance" "$plugin"
expect_output "[  PASSED  ]"

# ---------------------------------------------------------------------------
# A real store, with the plugin's bundled workflow and its hooks.
begin "install the bundled workflow cej.cej on a new store"
run "${parcours[@]}" init
run "${parcours[@]}" --plugin "$plugin" programme install cej.cej

begin "the bundled workflow needs its plugin"
expect_exit 3 "${parcours[@]}" programme install "$src/examples/plugin-template/workflows/cej.yaml"
expect_output "cej.eligible_age"

begin "register two persons"
run "${parcours[@]}" --json person add --name "Lina Benali" --birth 2005-05-12 --sex F
young=$(grep -o 'P-[0-9A-Z]*' "$log" | head -n 1)
run "${parcours[@]}" --json person add --name "Marc Petit" --birth 1994-02-03 --sex M
older=$(grep -o 'P-[0-9A-Z]*' "$log" | head -n 1)
[ -n "$young" ] && [ -n "$older" ] || fail "no person id in the output"

begin "guard cej.eligible_age refuses a 32-year-old, writing nothing"
expect_exit 3 "${parcours[@]}" --plugin "$plugin" enroll "$older" cej --date 2026-03-02 \
  --field prescripteur=france_travail
expect_output "the CEJ is for young people aged 16 to 25"
run "${parcours[@]}" --json person show "$older"
if grep -q 'W-' "$log"; then fail "the refused enrolment left a pathway"; fi

begin "enrol a 20-year-old and sign the contract"
run "${parcours[@]}" --plugin "$plugin" --json enroll "$young" cej --date 2026-03-02 \
  --field prescripteur=mission_locale
pathway=$(grep -o 'W-[0-9A-Z]*' "$log" | head -n 1)
[ -n "$pathway" ] || fail "no pathway id in the output"
run "${parcours[@]}" --plugin "$plugin" advance "$pathway" diagnostiquer --date 2026-03-10
run "${parcours[@]}" --plugin "$plugin" advance "$pathway" signer --date 2026-03-20 --field heures_hebdo=20

begin "field type cej.siret refuses a wrong check digit"
expect_exit 3 "${parcours[@]}" --plugin "$plugin" advance "$pathway" sortir_emploi --date 2026-09-21 \
  --field contrat=cdi --field siret_employeur=73282932000075
expect_output "the check digit does not match"

begin "exit into employment: cej.siret and cej.exit_summary store their fields"
run "${parcours[@]}" --plugin "$plugin" advance "$pathway" sortir_emploi --date 2026-09-21 \
  --field contrat=cdi --field "siret_employeur=732 829 320 00074"
run "${parcours[@]}" --plugin "$plugin" --json history "$pathway"
expect_json '"siret_employeur":"73282932000074"'
expect_json '"exit_category":"emploi_durable"'
expect_json '"months_in_cej":6'
expect_json '"intensite":"renforcee"'

begin "the bundled report cej.activite"
run "${parcours[@]}" --plugin "$plugin" --json report run cej.activite --programme cej \
  --from 2026-01-01 --to 2026-11-21
expect_json '"emploi_durable":1'
expect_json '"entrees":1'

# ---------------------------------------------------------------------------
begin "install the plugin next to the installed parcours, which finds it by default"
run "$cmake" --install "$template_build" --prefix "$prefix"
[ -f "$prefix/lib/parcours/plugins/cej.so" ] || fail "cej.so is not in $prefix/lib/parcours/plugins"
run "$prefix/bin/parcours" --data "$store" plugins list
expect_output "$prefix/lib/parcours/plugins/cej.so"
# The shipped plugins, installed by the Parcours install, are found there too.
for shipped in "$build"/plugins/*.so; do
  [ -e "$shipped" ] || continue
  expect_output "$prefix/lib/parcours/plugins/$(basename "$shipped")"
done

# ---------------------------------------------------------------------------
begin "a plugin including an engine header does not compile against the installed package"
run "$cmake" -S "$src/tests/sdk/engine-header-plugin" -B "$work/engine-header-build" -G "$generator" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
expect_exit 1 "$cmake" --build "$work/engine-header-build"
# GCC: "parcours/workflow.h: No such file or directory"; Clang: "'parcours/workflow.h' file not found".
grep -qE "parcours/workflow.h'?:? (No such file or directory|file not found)" "$log" ||
  fail "the build failed, but not because parcours/workflow.h is missing"

echo "All steps passed."
