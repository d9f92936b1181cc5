#!/usr/bin/env bash
# Installs the Debian 12 packages Parcours needs (only those missing), then
# configures and builds into build/ (binaries in build/bin, plugins in
# build/plugins). Runs as root on CI; uses sudo otherwise.
#
# Usage: scripts/setup.sh [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev libboost-all-dev libspdlog-dev libgtest-dev libgmock-dev
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libbenchmark-dev libicu-dev
  # User tokens: SHA-256 and a CSPRNG from a maintained library, not hand-written crypto.
  libssl-dev
  # The benchmark peer of bench/disk_bench.cc only; no Parcours binary links it.
  libsqlite3-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
# Warnings are errors here too, so that scripts/test.sh (which calls this
# script) reuses this build as it is instead of rebuilding it.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARCOURS_WERROR=ON "$@"
cmake --build build -j "$jobs"
echo "setup: built build/bin/parcours"
