#!/usr/bin/env bash
# Installs every Debian 12 package Passage needs to build, run and test.
# Idempotent: only packages that are missing are installed; never prompts.
# Usage: scripts/install-deps.sh [--tests]
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  libxapian-dev libpoppler-cpp-dev libicu-dev libgumbo-dev libboost1.81-dev
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libcld2-dev libstemmer-dev libssl-dev
  xapian-tools
)
# Tests also need: pdftotext (fixtures), xapian-tcpsrv (remote shards), Chromium (browser tests,
# driven by playwright-core from npm), wrk (load tests), clang + libFuzzer (fuzz targets), and the
# peers the benchmark compares against (omindex, recollindex).
test_packages=(catch2 poppler-utils xapian-tools chromium wrk clang-14 libfuzzer-14-dev
  xapian-omega recoll time)
# Node.js and npm: Debian's packages unless a Node.js with its own npm (e.g. NodeSource) is there.
if ! command -v npm >/dev/null 2>&1; then test_packages+=(nodejs npm); fi

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--tests" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
