#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing (with the test-only
# packages), build the `dev` preset (Debug + ASan/UBSan) and run every test with ctest, then
# build the libFuzzer targets (clang-14) and fuzz each one for 25 s from its seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --tests
# Browser-test tooling (playwright-core, pinned by tests/browser/package-lock.json); tests only.
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
cmake --preset dev >/dev/null
cmake --build --preset dev --parallel "$(nproc)"
ctest --preset dev --parallel "$(nproc)"
# The libFuzzer campaign: the fuzz preset (clang-14, without the crawler) and each target for
# PASSAGE_FUZZ_SECONDS (default 25) from its seed corpus; fails on any finding.
bash scripts/fuzz.sh "${PASSAGE_FUZZ_SECONDS:-25}"
