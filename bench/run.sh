#!/usr/bin/env bash
# Passage benchmarks against peers: indexing (parsing floor, omindex, recollindex, passage),
# queries (in process vs bare Xapian; HTTP under wrk) and scale (synthetic corpora).
# See README "Benchmarks" and bench/README.md.
#
#   bash bench/run.sh [--corpus DIR] [--runs 3] [--scale 10k,100k] [--big] [--parts index,query,scale,shards]
#                     [--shard-docs N] [--out DIR] [--build DIR] [--duration 10] [--queries 240] [--reps 3]
#                     [--warmup 1]
#
# Results: markdown tables on stdout and in OUT/results.md (OUT defaults to /tmp/passage-bench-DATE).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR="$ROOT/bench"
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

CORPUS=
RUNS=3
SCALE=10k,100k
BIG=0
PARTS=index,query,scale,shards
SHARD_DOCS=  # default: the largest --scale size (100k; 1m with --big)
OUT=
BUILD=
DURATION=10
QUERIES=240
REPS=3
WARMUP=1

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --big) BIG=1; shift ;;
    --parts) PARTS=$2; shift 2 ;;
    --shard-docs) SHARD_DOCS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --queries) QUERIES=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "bench: error: unknown option $1" >&2; usage 1 ;;
  esac
done
[ "$BIG" = 1 ] && SCALE="$SCALE,1m"
[ -n "$SHARD_DOCS" ] || SHARD_DOCS=${SCALE##*,}
if [ -z "$CORPUS" ]; then
  if [ -d "$ROOT/../shared/corpus" ]; then CORPUS=$(cd "$ROOT/../shared/corpus" && pwd); else CORPUS="$ROOT/sample-corpus"; fi
fi
[ -d "$CORPUS" ] || { echo "bench: error: no corpus folder $CORPUS" >&2; exit 1; }
CORPUS=$(cd "$CORPUS" && pwd)
OUT=${OUT:-/tmp/passage-bench-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
has_part() { [[ ",$PARTS," == *",$1,"* ]]; }

# The release build, built when missing (another build folder can be given, e.g. the dev one).
if [ -z "$BUILD" ]; then
  BUILD="$ROOT/build/release"
  if [ ! -x "$BUILD/app/passage" ] || [ ! -x "$BUILD/bench/passage_synth" ] || [ ! -x "$BUILD/bench/passage_bench_query" ]; then
    (cd "$ROOT" && cmake --preset release >/dev/null && cmake --build --preset release -j2 >"$OUT/build.log" 2>&1) ||
      { echo "bench: error: release build failed, see $OUT/build.log" >&2; exit 1; }
  fi
fi
PASSAGE="$BUILD/app/passage"
SYNTH="$BUILD/bench/passage_synth"
QBENCH="$BUILD/bench/passage_bench_query"
for b in "$PASSAGE" "$SYNTH" "$QBENCH"; do [ -x "$b" ] || { echo "bench: error: missing $b" >&2; exit 1; }; done
for t in /usr/bin/time wrk pdftotext omindex recollindex xapian-delve; do
  command -v "$t" >/dev/null || { echo "bench: error: $t is missing (bash scripts/install-deps.sh)" >&2; exit 1; }
done

CORES=$(nproc)
RESULTS="$OUT/results.md"
: >"$RESULTS"
say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
trap 'bench_stop_server' EXIT
declare -A TARGET

say "# Passage benchmark"
say ""
say "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); corpus: $CORPUS; runs: $RUNS; cores: $CORES; build: $BUILD"
say ""

# Files each tool is given: what passage indexes (PDF, HTML, Markdown, text, extension-less text).
FILES="$OUT/files.txt"
find "$CORPUS" -type f ! -path '*/.*' \( -iname '*.pdf' -o -iname '*.htm' -o -iname '*.html' -o -iname '*.xhtml' \
  -o -iname '*.shtml' -o -iname '*.md' -o -iname '*.markdown' -o -iname '*.mdown' -o -iname '*.mkd' -o -iname '*.txt' \
  -o -iname '*.text' -o ! -name '*.*' \) | sort >"$FILES"
NFILES=$(wc -l <"$FILES")
NPDF=$(grep -ci '\.pdf$' "$FILES" || true)

REAL_INDEX="$OUT/passage-index"

# ---------------------------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------------------------
floor_cmd() {
  grep -i '\.pdf$' "$FILES" | tr '\n' '\0' | xargs -0 -r -n 1 sh -c 'pdftotext -q "$0" - >/dev/null || true'
  grep -vi '\.pdf$' "$FILES" | tr '\n' '\0' | xargs -0 -r cat >/dev/null
}
omindex_cmd() {
  rm -rf "$OUT/omindex-db"
  omindex --overwrite --db "$OUT/omindex-db" --url / -Mmd:text/plain -Mmarkdown:text/plain -Mmdown:text/plain \
    -Mmkd:text/plain -Mtext:text/plain -Mtsv:skip -Mtoml:skip "$CORPUS"
}
recoll_cmd() {
  rm -rf "$OUT/recoll/xapiandb"
  RECOLL_CONFDIR="$OUT/recoll" recollindex -c "$OUT/recoll" -z
}
passage_full_cmd() {
  rm -rf "$REAL_INDEX"
  "$PASSAGE" index -q --index "$REAL_INDEX" "$CORPUS"
}
passage_nochange_cmd() { "$PASSAGE" index -q --index "$REAL_INDEX" "$CORPUS"; }
# /usr/bin/time runs them through bash -c.
export -f floor_cmd omindex_cmd recoll_cmd passage_full_cmd passage_nochange_cmd
export FILES OUT CORPUS PASSAGE REAL_INDEX

if has_part index || [ ! -d "$REAL_INDEX" ]; then
  mkdir -p "$OUT/recoll"
  cat >"$OUT/recoll/recoll.conf" <<EOF
topdirs = $CORPUS
dbdir = $OUT/recoll/xapiandb
# Content only: files of unknown types are not indexed by name.
indexallfilenames = 0
skippedNames+ = MANIFEST.tsv *.toml
loglevel = 2
noaspell = 1
# Same priority as the other tools (recollindex nices itself to 19 and idle I/O class by default,
# which on a busy machine starves it).
idxniceprio = 0
monioniceclass = 2
EOF
  # Markdown as text (as omindex and passage read it).
  printf '.md = text/plain\n.markdown = text/plain\n.mdown = text/plain\n.mkd = text/plain\n' >"$OUT/recoll/mimemap"
fi

declare -A WALL CPU RSS DOCS SIZE
if has_part index; then
  tools=(floor omindex recoll passage_full passage_nochange)
  declare -A LABEL=([floor]="parsing floor (pdftotext + cat)" [omindex]="omindex (xapian-omega)"
    [recoll]="recollindex (recoll)" [passage_full]="passage index, fresh" [passage_nochange]="passage index, nothing changed")
  # One warm-up run per tool (page cache, pdftotext/python start-up; dropping caches is not possible here).
  for t in "${tools[@]}"; do
    [ "$WARMUP" -gt 0 ] || break
    echo "bench: warming $t" >&2
    bench_time "$OUT/$t.warm.time" "$OUT/$t.warm.log" bash -c "${t}_cmd" || { echo "bench: error: $t failed, see $OUT/$t.warm.log" >&2; exit 1; }
  done
  # Runs interleaved across tools, so that noise from the shared machine spreads over all of them.
  for r in $(seq 1 "$RUNS"); do
    for t in "${tools[@]}"; do
      echo "bench: run $r/$RUNS $t" >&2
      bench_time "$OUT/$t.$r.time" "$OUT/$t.$r.log" bash -c "${t}_cmd" || { echo "bench: error: $t failed, see $OUT/$t.$r.log" >&2; exit 1; }
    done
  done
  for t in "${tools[@]}"; do
    w=(); c=(); m=()
    for r in $(seq 1 "$RUNS"); do
      read -r a b d <"$OUT/$t.$r.time"
      w+=("$a"); c+=("$b"); m+=("$d")
    done
    WALL[$t]=$(bench_median "${w[@]}"); CPU[$t]=$(bench_median "${c[@]}"); RSS[$t]=$(bench_median "${m[@]}")
  done
  DOCS[floor]="$NFILES files ($NPDF PDF)"; SIZE[floor]="-"
  DOCS[omindex]=$(xapian-delve "$OUT/omindex-db" | awk -F'= ' '/number of documents/ { print $2 }')
  SIZE[omindex]=$(bench_du_mb "$OUT/omindex-db")
  DOCS[recoll]=$(xapian-delve "$OUT/recoll/xapiandb" | awk -F'= ' '/number of documents/ { print $2 }')
  SIZE[recoll]=$(bench_du_mb "$OUT/recoll/xapiandb")
  DOCS[passage_full]=$(awk '/documents in index:/ { print $NF }' "$OUT/passage_full.$RUNS.log")
  SIZE[passage_full]=$(bench_du_mb "$REAL_INDEX")
  DOCS[passage_nochange]="$(awk '/found/ { gsub(/,/, ""); for (i = 1; i <= NF; i++) if ($i == "indexed") print $(i + 1) }' "$OUT/passage_nochange.$RUNS.log") reparsed"
  SIZE[passage_nochange]=$(bench_du_mb "$REAL_INDEX")

  say "## Indexing"
  say ""
  warm="after one warm-up run each (page cache warm)"
  [ "$WARMUP" -gt 0 ] || warm="without warm-up runs (the files were in the page cache from earlier reads)"
  say "$NFILES files ($NPDF PDF) in $CORPUS; medians of $RUNS runs $warm;"
  say "whole-process figures from /usr/bin/time -v; the floor runs pdftotext once per PDF and cat over the rest, on one core."
  say ""
  say "| tool | wall s | CPU s (user+sys) | peak RSS MB | documents | index MB |"
  say "|---|---|---|---|---|---|"
  for t in "${tools[@]}"; do
    say "| ${LABEL[$t]} | ${WALL[$t]} | ${CPU[$t]} | ${RSS[$t]} | ${DOCS[$t]} | ${SIZE[$t]} |"
  done
  say ""
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
  floor_per_core=$(awk -v f="${WALL[floor]}" -v c="$CORES" 'BEGIN { printf "%.2f", f / c }')
  say "| ratio (wall) | value | target | result |"
  say "|---|---|---|---|"
  r1=$(ratio "${WALL[passage_full]}" "${WALL[omindex]}")
  r2=$(ratio "${WALL[passage_full]}" "${WALL[recoll]}")
  r3=$(ratio "${WALL[passage_full]}" "${WALL[floor]}")
  r4=$(ratio "${WALL[passage_full]}" "$floor_per_core")
  r5=$(ratio "${WALL[passage_nochange]}" "${WALL[passage_full]}")
  pf() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "n/a" && v <= t) ? "PASS" : "MISS" }'; }
  TARGET[index_vs_omindex]=$(pf "$r1" 0.35)
  TARGET[index_vs_floor_cores]=$(pf "$r4" 1.3)
  TARGET[nochange]=$(pf "$r5" 0.03)
  TARGET[index_rss]=$(awk -v v="${RSS[passage_full]}" 'BEGIN { print (v < 500) ? "PASS" : "MISS" }')
  say "| passage full / omindex | $r1 | ≤ 0.35 | ${TARGET[index_vs_omindex]} |"
  say "| passage full / recollindex | $r2 | – | – |"
  say "| passage full / floor | $r3 | – | – |"
  say "| passage full / (floor ÷ $CORES cores) | $r4 | ≤ 1.3 | ${TARGET[index_vs_floor_cores]} |"
  say "| passage no-change / passage full | $r5 | ≤ 0.03 | ${TARGET[nochange]} |"
  say "| passage full peak RSS MB | ${RSS[passage_full]} | < 500 | ${TARGET[index_rss]} |"
  say ""
fi
if [ ! -d "$REAL_INDEX" ]; then
  "$PASSAGE" index -q --index "$REAL_INDEX" "$CORPUS" >"$OUT/passage_index.log" 2>&1
fi

# ---------------------------------------------------------------------------------------------
# Queries: in process and over HTTP
# ---------------------------------------------------------------------------------------------
# query_block NAME INDEX CONNS...: mix, in-process run, wrk at each connection count. Sets
# Q_* and H_* (per connection count) variables, writes NAME.* files under OUT.
query_block() {
  local name=$1 index=$2
  shift 2
  "$QBENCH" gen --index "$index" --out "$OUT/$name.mix.tsv" --paths "$OUT/$name.mix.paths" --count "$QUERIES" >"$OUT/$name.gen.log" 2>&1 ||
    { echo "bench: error: query mix failed, see $OUT/$name.gen.log" >&2; exit 1; }
  "$QBENCH" run --index "$index" --mix "$OUT/$name.mix.tsv" --reps "$REPS" >"$OUT/$name.inproc.txt" 2>&1 ||
    { echo "bench: error: in-process query run failed, see $OUT/$name.inproc.txt" >&2; exit 1; }
  kv() { awk -F= -v k="$1" '$1 == k { print $2 }' "$OUT/$name.inproc.txt"; }
  Q_P50=$(kv ours_p50_ms); Q_P99=$(kv ours_p99_ms); Q_FP50=$(kv floor_p50_ms); Q_OVER=$(kv overhead_mean)
  bench_serve "$PASSAGE" "$index" "$OUT/$name.server.log"
  local c
  declare -gA H_RPS H_P50 H_P99 H_ERR H_REQ
  # Warm-up: one short pass so the first connection count does not pay for cold caches.
  bench_wrk 2 1 "$BENCH_SERVER_PORT" "$OUT/$name.mix.paths" "$OUT/$name.wrk.warm.txt"
  for c in "$@"; do
    bench_wrk "$c" "$DURATION" "$BENCH_SERVER_PORT" "$OUT/$name.mix.paths" "$OUT/$name.wrk$c.txt"
    H_RPS[$c]=$WRK_RPS; H_P50[$c]=$WRK_P50; H_P99[$c]=$WRK_P99; H_ERR[$c]=$WRK_ERRORS; H_REQ[$c]=$WRK_REQUESTS
  done
  H_SERVER_RSS=$(bench_rss_peak_mb "$BENCH_SERVER_PID")
  bench_stop_server
}

if has_part query; then
  echo "bench: queries on the real corpus" >&2
  query_block real "$REAL_INDEX" 1 8 64
  say "## Queries"
  say ""
  say "$(head -1 "$OUT/real.gen.log" | sed 's/^passage_bench_query: //'); the mix is $OUT/real.mix.tsv."
  say ""
  say "### In process: Searcher::search vs bare Xapian (median of $REPS runs per query)"
  say ""
  say "Searcher::search = parse + match with exact facet counts over every match + collapse + stored data + snippets;"
  say "floor = Xapian::Enquire::get_mset(0, 10) of the same Xapian query (Searcher::xapian_query)."
  say ""
  sed -n '/^|/p' "$OUT/real.inproc.txt" | awk 'NR > 1 && /^\| category/ { print "" } { print }' | tee -a "$RESULTS"
  say ""
  TARGET[query_overhead]=$(awk -v v="$Q_OVER" 'BEGIN { print (v <= 1.5) ? "PASS" : "MISS" }')
  say "### HTTP: passage serve under wrk (${DURATION} s per level, the mix cycled; server peak RSS ${H_SERVER_RSS} MB)"
  say ""
  say "| connections | req/s | p50 ms | p99 ms | requests | errors + non-2xx |"
  say "|---|---|---|---|---|---|"
  for c in 1 8 64; do say "| $c | ${H_RPS[$c]} | ${H_P50[$c]} | ${H_P99[$c]} | ${H_REQ[$c]} | ${H_ERR[$c]} |"; done
  say ""
  TARGET[http_p99]=$(awk -v v="${H_P99[64]}" -v e="${H_ERR[64]}" 'BEGIN { print (v <= 25 && e == 0) ? "PASS" : "MISS" }')
  Q_OVER_REAL=$Q_OVER; HTTP_P99_REAL=${H_P99[64]}
fi

# ---------------------------------------------------------------------------------------------
# Scale: synthetic corpora
# ---------------------------------------------------------------------------------------------
if has_part scale; then
  say "## Scale (synthetic corpora from the real corpus's paragraphs; one indexing run each)"
  say ""
  say "| documents | synth MB | index s | docs/s | CPU s | indexer peak RSS MB | index MB | query p50 ms | query p99 ms | HTTP req/s (64 conn) | HTTP p50 ms | HTTP p99 ms | errors | server peak RSS MB |"
  say "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  IFS=, read -r -a sizes <<<"$SCALE"
  for s in "${sizes[@]}"; do
    n=$(bench_size "$s")
    dir="$OUT/synth-$n"
    rm -rf "$dir" "$dir-index"
    echo "bench: scale $n: generating" >&2
    "$SYNTH" --from-index "$REAL_INDEX" --out "$dir" --docs "$n" >"$OUT/synth-$n.log" 2>&1 ||
      { echo "bench: error: passage_synth failed, see $OUT/synth-$n.log" >&2; exit 1; }
    echo "bench: scale $n: indexing" >&2
    bench_time "$OUT/synth-$n.time" "$OUT/synth-$n.index.log" "$PASSAGE" index -q --index "$dir-index" "$dir/corpus.toml" ||
      { echo "bench: error: indexing $dir failed, see $OUT/synth-$n.index.log" >&2; exit 1; }
    read -r w c m <"$OUT/synth-$n.time"
    ndocs=$(awk '/documents in index:/ { print $NF }' "$OUT/synth-$n.index.log")
    rate=$(awk -v n="$ndocs" -v w="$w" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
    echo "bench: scale $n: queries" >&2
    query_block "synth-$n" "$dir-index" 64
    say "| $ndocs | $(bench_du_mb "$dir") | $w | $rate | $c | $m | $(bench_du_mb "$dir-index") | $Q_P50 | $Q_P99 | ${H_RPS[64]} | ${H_P50[64]} | ${H_P99[64]} | ${H_ERR[64]} | $H_SERVER_RSS |"
    rm -rf "$dir"  # the synthetic files (the index stays for inspection)
  done
  say ""
fi

# ---------------------------------------------------------------------------------------------
# Shards: one index vs 4 local shards vs 4 shards of which 2 are behind shard servers (loopback)
# ---------------------------------------------------------------------------------------------
# A free loopback port (nothing answers on it).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
lo_bytes() { awk '$1 == "lo:" { print $2 }' /proc/net/dev; }

if has_part shards; then
  n=$(bench_size "$SHARD_DOCS")
  dir="$OUT/shards-$n"
  rm -rf "$dir"
  echo "bench: shards $n: generating" >&2
  "$SYNTH" --from-index "$REAL_INDEX" --out "$dir/corpus" --docs "$n" >"$OUT/shards-$n.synth.log" 2>&1 ||
    { echo "bench: error: passage_synth failed, see $OUT/shards-$n.synth.log" >&2; exit 1; }
  P2=$(free_port); P3=$(free_port)
  while [ "$P3" = "$P2" ]; do P3=$(free_port); done
  # The configs sit beside the synthetic corpus's own (its source roots are relative to it).
  cp "$dir/corpus/corpus.toml" "$dir/corpus/one.toml"
  { cat "$dir/corpus/corpus.toml"; printf '\n[[index.shard]]\n[[index.shard]]\n[[index.shard]]\n[[index.shard]]\n'; } >"$dir/corpus/local4.toml"
  { cat "$dir/corpus/corpus.toml"
    printf '\n[[index.shard]]\n[[index.shard]]\n[[index.shard]]\nremote = "127.0.0.1:%s"\n[[index.shard]]\nremote = "127.0.0.1:%s"\n' "$P2" "$P3"
  } >"$dir/corpus/remote4.toml"
  say "## Shards ($n synthetic documents)"
  say ""
  say "One index vs 4 local shards vs 4 shards of which 2 are served by \`passage shard serve\` (xapian-tcpsrv) on loopback."
  say "Index: one \`passage index\` run each (all shards are written locally). Queries: the in-process query mix"
  say "(\`passage_bench_query run\`, $QUERIES queries × $REPS runs, plus the bare-Xapian floor of each); wire bytes: loopback"
  say "traffic during that run divided by the query executions (ours + floor)."
  say ""
  say "| layout | index s | docs/s | CPU s | indexer peak RSS MB | index MB | query p50 ms | query p99 ms | wire KB/query |"
  say "|---|---|---|---|---|---|---|---|---|"
  for layout in one local4 remote4; do
    idx="$dir/$layout-index"
    echo "bench: shards $n: indexing ($layout)" >&2
    bench_time "$OUT/shards-$layout.time" "$OUT/shards-$layout.index.log" "$PASSAGE" index -q --index "$idx" "$dir/corpus/$layout.toml" ||
      { echo "bench: error: indexing $layout failed, see $OUT/shards-$layout.index.log" >&2; exit 1; }
    read -r w c m <"$OUT/shards-$layout.time"
    ndocs=$(awk '/documents in index:/ { print $4 }' "$OUT/shards-$layout.index.log")
    rate=$(awk -v n="$ndocs" -v w="$w" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')
    spids=()
    if [ "$layout" = remote4 ]; then
      "$PASSAGE" shard serve "$idx/shard-2" --port "$P2" >"$OUT/shards-srv2.log" 2>&1 & spids+=($!)
      "$PASSAGE" shard serve "$idx/shard-3" --port "$P3" >"$OUT/shards-srv3.log" 2>&1 & spids+=($!)
      for port in "$P2" "$P3"; do
        for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
      done
    fi
    if [ "$layout" = one ]; then
      "$QBENCH" gen --index "$idx" --out "$dir/mix.tsv" --count "$QUERIES" >"$OUT/shards-gen.log" 2>&1 ||
        { echo "bench: error: query mix failed, see $OUT/shards-gen.log" >&2; exit 1; }
    fi
    before=$(lo_bytes)
    "$QBENCH" run --index "$idx" --mix "$dir/mix.tsv" --reps "$REPS" >"$OUT/shards-$layout.inproc.txt" 2>&1 ||
      { echo "bench: error: query run on $layout failed, see $OUT/shards-$layout.inproc.txt" >&2; exit 1; }
    after=$(lo_bytes)
    for p in "${spids[@]}"; do kill "$p" 2>/dev/null || true; done
    execs=$(( $(grep -c . "$dir/mix.tsv") * REPS * 2 ))
    wire=$(awk -v b=$((after - before)) -v e="$execs" -v l="$layout" 'BEGIN { printf "%.1f", (l == "remote4" && e > 0 ? b / e / 1024 : 0) }')
    kv() { awk -F= -v k="$1" '$1 == k { print $2 }' "$OUT/shards-$layout.inproc.txt"; }
    say "| $layout | $w | $rate | $c | $m | $(bench_du_mb "$idx") | $(kv ours_p50_ms) | $(kv ours_p99_ms) | $wire |"
  done
  say ""
  rm -rf "$dir/corpus"
fi

# ---------------------------------------------------------------------------------------------
say "## Targets"
say ""
say "| target | result |"
say "|---|---|"
[ -n "${TARGET[index_vs_omindex]:-}" ] && say "| passage full index ≤ 0.35 × omindex wall | ${TARGET[index_vs_omindex]} |"
[ -n "${TARGET[index_vs_floor_cores]:-}" ] && say "| passage full index ≤ 1.3 × (floor ÷ cores) | ${TARGET[index_vs_floor_cores]} |"
[ -n "${TARGET[nochange]:-}" ] && say "| no-change run ≤ 3 % of full | ${TARGET[nochange]} |"
[ -n "${TARGET[index_rss]:-}" ] && say "| indexer peak RSS < 500 MB | ${TARGET[index_rss]} |"
[ -n "${TARGET[query_overhead]:-}" ] && say "| in-process query overhead ≤ 1.5 × bare Xapian (mean; measured $Q_OVER_REAL) | ${TARGET[query_overhead]} |"
[ -n "${TARGET[http_p99]:-}" ] && say "| HTTP p99 ≤ 25 ms at 64 connections, no errors (measured $HTTP_P99_REAL ms) | ${TARGET[http_p99]} |"
say ""
echo "bench: results in $RESULTS" >&2
