#!/usr/bin/env bash
# Builds the `fuzz` preset (clang-14 + libFuzzer, ASan + UBSan) and runs every fuzz target for
# SECONDS (default 25) from a scratch copy of its seed corpus in fuzz/corpus/<target>/, so the
# repository is never modified. Fails when a target crashes, leaks, breaks an invariant, times
# out (-timeout) or exceeds its memory limit (-rss_limit_mb), printing the reproducer's path.
# Every run stops by itself: libFuzzer's -max_total_time, and `timeout` a minute later if not.
# The build goes through ccache when it is installed (or CMAKE_CXX_COMPILER_LAUNCHER's value).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]    (targets: html markdown pdf query config query_string http)
# PASSAGE_FUZZ_JOBS targets run at once (default: the number of cores, at most 2).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-25}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(html markdown pdf query config query_string http); fi
parallel=${PASSAGE_FUZZ_JOBS:-$(nproc)}
((parallel > 2)) && parallel=2

start=$SECONDS
launcher=${CMAKE_CXX_COMPILER_LAUNCHER-$(command -v ccache >/dev/null && echo ccache || true)}
cmake --preset fuzz -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" >/dev/null
cmake --build --preset fuzz --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"
echo "fuzz: built in $((SECONDS - start)) s"

scratch=$(mktemp -d /tmp/passage-fuzz-XXXXXX)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Per-target limits: queries are capped like the searcher's (1024 bytes); PDFs get more memory.
max_len() { case $1 in query) echo 1024 ;; pdf) echo 65536 ;; *) echo 16384 ;; esac; }
rss_mb() { case $1 in pdf | http) echo 2560 ;; *) echo 2048 ;; esac; }

run_target() {
  local t=$1 dir=$scratch/$1
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp fuzz/corpus/"$t"/* "$dir/corpus/"
  # Seeds kept elsewhere in the repository (fuzz/seed_sources.txt), named by their path.
  local target folder suffix f
  while read -r target folder suffix; do
    [[ $target == "$t" ]] || continue
    while IFS= read -r -d '' f; do cp "$f" "$dir/corpus/${f//\//_}"; done \
      < <(find "$folder" -type f -name "*$suffix" -print0)
  done < <(grep -v '^#' fuzz/seed_sources.txt)
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb="$(rss_mb "$t")"
    -max_len="$(max_len "$t")" -artifact_prefix="$dir/artifacts/" -print_final_stats=1)
  [[ -f fuzz/dict/$t.dict ]] && args+=(-dict="fuzz/dict/$t.dict")
  if timeout --kill-after=10 $((seconds + 60)) \
    build/fuzz/fuzz/fuzz_"$t" "${args[@]}" "$dir/corpus" >"$dir/log" 2>&1; then
    echo 0 >"$dir/status"
  else
    echo $? >"$dir/status"
  fi
}

for t in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  run_target "$t" &
done
wait

failed=()
for t in "${targets[@]}"; do
  dir=$scratch/$t
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
  cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 || true)
  status=$(cat "$dir/status")
  if [[ $status == 0 ]]; then
    printf 'fuzz: %-13s ok   %9s runs %7s exec/s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "$cov"
  else
    failed+=("$t")
    if [[ $status == 124 ]]; then
      printf 'fuzz: %-13s FAILED: still running after %s s, stopped by timeout; log: %s\n' "$t" "$((seconds + 60))" "$dir/log"
    else
      printf 'fuzz: %-13s FAILED (exit %s); log: %s\n' "$t" "$status" "$dir/log"
    fi
    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant|ALARM|.*runtime error)' "$dir/log" | head -5 || true
    for a in "$dir"/artifacts/*; do
      [[ -e $a ]] || continue
      echo "fuzz: reproducer: $a"
      echo "fuzz: replay with: build/fuzz/fuzz/fuzz_$t $a; keep it in fuzz/regressions/$t/"
    done
  fi
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $((SECONDS - start)) s in all; scratch: $scratch"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} found a problem (crash, leak, undefined behaviour, broken invariant, timeout or memory overrun); see above" >&2
  exit 1
fi
rm -rf "$scratch"
