#!/usr/bin/env bash
# gridbot's CPU per message on the whole path, read from /proc while path_bench runs: the whole
# process's and each kind of thread's (by thread name), over a window of WINDOW seconds once the
# run is under way, with the context switches of all its threads (docs/benchmarks.md "The
# writer's page cache").
#
#   bench/path_cpu.sh [GRIDBOT=build-release/bot/gridbot] [CONNECTIONS=64] [WINDOW=3]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build-release/bot/gridbot}
C=${2:-64}
WINDOW=${3:-3}
TOKEN=bench-api-token-0123456789  # path_bench's API token (bench/path_bench.cpp)
out=$(mktemp)
build-release/bench/path_bench "$BIN" 60000 "$C" >"$out" 2>&1 &
bench=$!
P=""
for _ in $(seq 1 1200); do
  P=$(pgrep -f "gridbot serve -c /tmp/gridbot-path-bench" | tail -1 || true)
  [ -n "$P" ] && break
  sleep 0.05
done
[ -n "$P" ] || { echo "gridbot serve did not start" >&2; exit 1; }
sleep 2.5  # past the warm-up
dir=$(dirname "$(tr '\0' '\n' </proc/"$P"/cmdline | sed -n 4p)")
port=$(cat "$dir/gridbot.port")
messages() {
  curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/metrics" |
    awk '/^gridbot_inbound_messages_total/ {s += $2} END {print s + 0}'
}
ticks() { awk '{print $14 + $15}' "$1"; }
threads() {  # "name ticks" per thread
  for t in /proc/"$P"/task/*; do echo "$(cat "$t"/comm) $(ticks "$t"/stat)"; done 2>/dev/null
}
switches() { cat /proc/"$P"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
t0=$(threads); n0=$(messages); p0=$(ticks /proc/"$P"/stat); c0=$(switches)
sleep "$WINDOW"
t1=$(threads); n1=$(messages); p1=$(ticks /proc/"$P"/stat); c1=$(switches)
wait "$bench"
grep "whole path" "$out"
rm -f "$out"
hz=$(getconf CLK_TCK)
n=$((n1 - n0))
awk -v n=$n -v p=$((p1 - p0)) -v c=$((c1 - c0)) -v hz="$hz" 'BEGIN {
  printf "window: %d messages; gridbot %.1f us/message, %.2f context switches/message\n",
    n, p * 1e6 / hz / n, c / n }'
# Threads by name: the ticks each kind gained (a thread started or ended in the window is left out).
paste -d' ' <(echo "$t0") <(echo "$t1") | awk -v n=$n -v hz="$hz" '$1 == $3 {d[$1] += $4 - $2}
  END {for (k in d) if (d[k] > 0) printf "  %-14s %6.1f us/message\n", k, d[k] * 1e6 / hz / n}' | sort -k2 -nr
