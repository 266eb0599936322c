# Shell helpers for the benchmarks (sourced by bench/run.sh; reusable by other benchmark scripts).
#
#   bench_time OUTFILE LOG cmd...   run cmd under /usr/bin/time -v (stdout+stderr to LOG); writes
#                                   "wall cpu rss_mb" (seconds, seconds, MB) to OUTFILE; returns cmd's status
#   bench_median a b c ...          median of numbers
#   bench_du_mb PATH                size on disk in MB (one decimal)
#   bench_serve BINARY INDEX LOG    starts `passage serve` on 127.0.0.1 (free port); sets
#                                   BENCH_SERVER_PID and BENCH_SERVER_PORT
#   bench_stop_server               SIGTERM to BENCH_SERVER_PID, waits
#   bench_rss_peak_mb PID           peak RSS (VmHWM) of a live process in MB
#   bench_wrk CONNS SECONDS PORT PATHS LOG   wrk with bench/wrk_mix.lua; sets WRK_RPS WRK_P50
#                                   WRK_P99 (ms) WRK_REQUESTS WRK_ERRORS (socket errors + non-2xx)
#   bench_size N                    10k -> 10000, 1m -> 1000000, 250 -> 250

BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

bench_time() {
  local out=$1 log=$2
  shift 2
  local tfile
  tfile=$(mktemp)
  local status=0
  /usr/bin/time -v -o "$tfile" "$@" >"$log" 2>&1 || status=$?
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time \(seconds\)/ { u = $2 }
    /System time \(seconds\)/ { s = $2 }
    /Maximum resident set size/ { r = $2 }
    END { printf "%.2f %.2f %.1f\n", w, u + s, r / 1024 }' "$tfile" >"$out"
  rm -f "$tfile"
  return $status
}

bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bench_du_mb() { du -sk "$1" | awk '{ printf "%.1f\n", $1 / 1024 }'; }

bench_size() {
  case "$1" in
    *[kK]) echo $(( ${1%[kK]} * 1000 )) ;;
    *[mM]) echo $(( ${1%[mM]} * 1000000 )) ;;
    *) echo $(( $1 )) ;;
  esac
}

bench_serve() {
  local bin=$1 index=$2 log=$3
  "$bin" serve --index "$index" --bind 127.0.0.1 --port 0 >"$log.out" 2>"$log" &
  BENCH_SERVER_PID=$!
  BENCH_SERVER_PORT=
  for _ in $(seq 1 300); do
    BENCH_SERVER_PORT=$(sed -n 's|.*serving .* on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log.out" | head -1)
    [ -n "$BENCH_SERVER_PORT" ] && break
    kill -0 "$BENCH_SERVER_PID" 2>/dev/null || { echo "bench: passage serve died: $(cat "$log")" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$BENCH_SERVER_PORT" ] || { echo "bench: passage serve did not report its port" >&2; return 1; }
}

bench_stop_server() {
  if [ -n "${BENCH_SERVER_PID:-}" ]; then
    kill -TERM "$BENCH_SERVER_PID" 2>/dev/null || true
    wait "$BENCH_SERVER_PID" 2>/dev/null || true
    BENCH_SERVER_PID=
  fi
}

bench_rss_peak_mb() { awk '/VmHWM/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"; }

# wrk prints latencies as 812.00us, 1.23ms or 1.05s: convert to ms.
bench_wrk() {
  local conns=$1 secs=$2 port=$3 paths=$4 log=$5
  local threads=$(( conns < 2 ? conns : 2 ))
  wrk -t "$threads" -c "$conns" -d "${secs}s" --timeout 10s --latency -s "$BENCH_DIR/wrk_mix.lua" \
    "http://127.0.0.1:$port" -- "$paths" >"$log" 2>&1
  local parsed
  parsed=$(awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /requests in/ { req = $1 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, req, err }' "$log")
  read -r WRK_RPS WRK_P50 WRK_P99 WRK_REQUESTS WRK_ERRORS <<<"$parsed"
}
