#!/usr/bin/env bash
# The demo main job: a scripted counsellor session on a fresh embedded store,
# ending with the funders' outcomes report. Reproducible: "today" is fixed.
#
# Usage: scripts/demo.sh [STORE_DIR]   (default: a new temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=build/bin/parcours
[ -x "$bin" ] || { echo "demo: $bin is missing; run scripts/setup.sh first" >&2; exit 1; }
store=${1:-$(mktemp -d /tmp/parcours-demo.XXXXXX)/store}
export PARCOURS_DATA=$store PARCOURS_TODAY=2026-11-21

run() { echo; echo "\$ parcours $*"; "$bin" "$@"; }
# Runs a command that is expected to be refused, and shows its exit code.
refused() { echo; echo "\$ parcours $*"; "$bin" "$@" && exit 1 || echo "[exit code $?]"; }
id_of() { "$bin" --json "$@" | sed -E 's/.*"(id|pathway)":"([^"]+)".*/\2/'; }

run init
run programme install workflows/insertion.yaml

echo; echo "# Léa Moreau registers and enrols three people."
awa=$(id_of --actor lea.moreau person add --name "Awa Diallo" --birth 1991-04-02 --sex F --attr rsa=yes --attr education=3)
karim=$(id_of --actor lea.moreau person add --name "Karim Benali" --birth 1999-09-14 --sex M --attr labour_status=long_term_unemployed)
ines=$(id_of --actor lea.moreau person add --name "Inès Lefèvre" --birth 1970-01-30 --sex F --attr qpv=yes)
run person find "ines lefevre"
refused --actor lea.moreau person add --name "AWA DIALLO" --birth 1991-04-02 --sex F

w1=$(id_of --actor lea.moreau enroll "$awa" insertion --date 2026-10-26 --field prescriber=france_travail)
w2=$(id_of --actor lea.moreau enroll "$karim" insertion --date 2026-10-27 --field prescriber=mission_locale)
w3=$(id_of --actor lea.moreau enroll "$ines" insertion --date 2026-10-28 --field prescriber=ccas)

echo; echo "# Awa: positioning, training towards the DEAES, certified, then a CDI."
run --actor lea.moreau advance "$w1" position --date 2026-10-29
refused --actor lea.moreau advance "$w1" place --field contract=cdd
run --actor lea.moreau record "$w1" interview --date 2026-10-30 --field mode=individual --field minutes=45
run --actor lea.moreau advance "$w1" start_training --date 2026-11-02 --field provider=GRETA --field certification=DEAES --field hours=420
run --actor lea.moreau record "$w1" training_completed --date 2026-11-10 --field certified=yes
run --actor lea.moreau advance "$w1" place --date 2026-11-15 --field contract=cdi

echo; echo "# Karim: positioning, VAE with a partial result; a mistake is voided."
run --actor lea.moreau advance "$w2" position --date 2026-10-30
run --actor lea.moreau advance "$w2" start_vae --date 2026-11-03 --field certification="Titre professionnel ADVF"
echo; echo "\$ parcours --actor lea.moreau record $w2 vae_decided --date 2026-11-16 --field result=full"
seq=$("$bin" --json --actor lea.moreau record "$w2" vae_decided --date 2026-11-16 --field result=full |
  sed -E 's/.*"seq":([0-9]+).*/\1/')
echo "(recorded as #$seq)"
run --actor lea.moreau void "$w2" --seq "$seq" --reason "jury decision was partial, not full"
run --actor lea.moreau record "$w2" vae_decided --date 2026-11-16 --field result=partial

echo; echo "# Inès moves away; her pathway is handed over, then exits."
run --actor lea.moreau assign "$w3" karim.petit
run --actor karim.petit advance "$w3" exit --date 2026-11-02 --field reason=moved

run history "$w2"
run --actor lea.moreau caseload
echo; echo "# What is due: positioning within 30 days of referral, the 6-month follow-up after an exit."
run --actor lea.moreau due --all
run report outcomes --programme insertion --from 2026-09-01 --to 2026-11-30
echo; echo "demo: store left in $store"
