#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build (release), index the
# bundled sample corpus and serve it on http://127.0.0.1:8080 (Ctrl-C stops the server).
# Environment: PASSAGE_PORT (default 8080), PASSAGE_BIND (default 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --parallel "$(nproc)"

./build/release/app/passage config check corpus-config/sample.toml
./build/release/app/passage index --config corpus-config/sample.toml
echo
echo "Try:  curl 'http://${PASSAGE_BIND:-127.0.0.1}:${PASSAGE_PORT:-8080}/api/search?q=migration'"
exec ./build/release/app/passage serve --index build/sample-index --document-root sample-corpus \
  --bind "${PASSAGE_BIND:-127.0.0.1}" --port "${PASSAGE_PORT:-8080}"
