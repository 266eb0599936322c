#!/usr/bin/env bash
# A sharded index on one machine, as it would run on several: the sample corpus indexed into 4
# shards, shards 2 and 3 served by two shard servers (`passage shard serve`, i.e. xapian-tcpsrv)
# on loopback ports, and a front server searching all four as one index.
#
#   bash scripts/shards-demo.sh            # then open http://127.0.0.1:8081/ (Ctrl-C stops all)
#   bash scripts/shards-demo.sh --check    # one search through the front server, then stop
#
# Environment: PASSAGE_BIN (default build/release/app/passage, built when missing),
# PASSAGE_DEMO_DIR (default build/shards-demo), PASSAGE_SHARD_PORTS (default "7311 7312"),
# PASSAGE_PORT (front server, default 8081).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${PASSAGE_BIN:-build/release/app/passage}
if [[ ! -x "$bin" ]]; then
  bash scripts/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --parallel "$(nproc)"
fi
work=${PASSAGE_DEMO_DIR:-build/shards-demo}
read -r port2 port3 <<<"${PASSAGE_SHARD_PORTS:-7311 7312}"
front=${PASSAGE_PORT:-8081}
mkdir -p "$work"
work=$(cd "$work" && pwd)
root=$(pwd)

# The sample config with its index in the demo folder and four shards, two of them remote.
sed -e "s|^path = .*|path = \"$work/index\"|" \
    -e "s|\.\./sample-corpus/|$root/sample-corpus/|" \
    -e "s|^thesaurus = \"thesaurus.toml\"|thesaurus = \"$root/corpus-config/thesaurus.toml\"|" \
    corpus-config/sample.toml >"$work/corpus.toml"
cat >>"$work/corpus.toml" <<TOML

# Four shards: 0 and 1 read from this machine's disk, 2 and 3 through shard servers.
[[index.shard]]
[[index.shard]]
[[index.shard]]
remote = "127.0.0.1:$port2"
timeout_ms = 1000
[[index.shard]]
remote = "127.0.0.1:$port3"
timeout_ms = 1000
TOML

"$bin" config check "$work/corpus.toml"
"$bin" index --config "$work/corpus.toml" --full -q

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# Shard servers log to files in the demo folder.
"$bin" shard serve "$work/index/shard-2" --port "$port2" >"$work/shard-2.log" 2>&1 & pids+=($!)
"$bin" shard serve "$work/index/shard-3" --port "$port3" >"$work/shard-3.log" 2>&1 & pids+=($!)
for port in "$port2" "$port3"; do
  for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

if [[ "${1:-}" == "--check" ]]; then
  "$bin" serve --index "$work/index" --port "$front" >"$work/front.log" 2>&1 & pids+=($!)
  for ((i = 0; i < 100; i++)); do curl -fs "http://127.0.0.1:$front/healthz" >/dev/null && break; sleep 0.1; done
  answer=$(curl -fs "http://127.0.0.1:$front/api/search?q=migration")
  echo "$answer" | head -c 300; echo
  grep -q '"partial":false' <<<"$answer"
  curl -fs "http://127.0.0.1:$front/healthz"; echo
  exit 0
fi
echo "Front server: http://127.0.0.1:$front/  (shards 2 and 3 on ports $port2 and $port3)"
"$bin" serve --index "$work/index" --port "$front"
