#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing (with the test-only
# packages), build the `dev` preset (Debug + ASan/UBSan) and run every test with ctest, then
# build the libFuzzer targets (clang-14) and fuzz each one briefly from its seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --tests
# Browser-test tooling (playwright-core, pinned by tests/browser/package-lock.json); tests only.
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
cmake --preset dev >/dev/null
cmake --build --preset dev --parallel "$(nproc)"
ctest --preset dev --parallel "$(nproc)"
# The libFuzzer campaign (scripts/fuzz.sh) is not part of this command for now: clang-14 cannot
# build the crawler's Asio coroutines with sanitizers ("Cannot represent a difference across
# sections"). Its regression/seed replay runs in ctest above (passage_fuzz_replay_tests).
