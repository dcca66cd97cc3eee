#!/usr/bin/env bash
# The org at city size: a generated org CSV of 40 streets × 25 communities × 4 districts × 3 grids
# × 33 buildings (413,040 nodes, every node with a group and heads, buildings with feeders and
# transformers), then, with BIN (a Release gridbot):
#   import        `gridbot org import` into an empty store (time, peak RSS)
#   again         the same file again (unchanged: nothing to write)
#   one changed   the file with one building renamed
#   serve         `gridbot serve` on that store with the file in org.files, until /healthz
#                 answers (time), and its resident memory once idle
# Usage: bench/org_city_bench.sh [BIN=build-release/bot/gridbot] [STREETS=40]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build-release/bot/gridbot}"
STREETS="${2:-40}"
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
pid=""
python3 - "$dir/org.csv" "$STREETS" <<'PY'
import csv, sys
path, streets = sys.argv[1], int(sys.argv[2])
w = csv.writer(open(path, "w", newline="", encoding="utf-8"), lineterminator="\n")
w.writerow("id,parent,level,name,households,groups,heads,feeders,transformers,dept,categories".split(","))
w.writerow(["dep-power", "", "department", "供电公司", "", "bridge:r-dep-power", "调度员:bridge:u-ctrl:何调度", "", "", "供电", "power"])
for s in range(streets):
    sid = f"s{s}"
    w.writerow([sid, "", "street", f"第{s}街道", "", f"bridge:r-{sid}", f"街道干部:bridge:u-{sid}:陈主任", "", "", "", ""])
    for c in range(25):
        cid = f"{sid}c{c}"
        w.writerow([cid, sid, "community", f"第{c}社区", "", f"bridge:r-{cid}", f"社区区长:bridge:u-{cid}:刘书记", "", "", "", ""])
        for d in range(4):
            did = f"{cid}d{d}"
            w.writerow([did, cid, "district", f"第{d}片区", "", f"bridge:r-{did}", f"片区区长:bridge:u-{did}:张区长", "", "", "", ""])
            for g in range(3):
                gid = f"{did}g{g}"
                w.writerow([gid, did, "grid", f"第{g}网格", "", f"bridge:r-{gid}", f"网格长:bridge:u-{gid}:孙师傅;物业长:bridge:p-{gid}:周经理", "", "", "", ""])
                for b in range(33):
                    bid = f"{gid}b{b}"
                    w.writerow([bid, gid, "building", f"{b + 1}栋", "40", f"bridge:r-{bid}", f"楼栋长:bridge:u-{bid}:王阿姨", f"10kV线{did}", f"台区{gid}", "", ""])
PY
rows=$(($(wc -l < "$dir/org.csv") - 1))
cat > "$dir/gridbot.json" <<JSON
{ "server": {"listen": "127.0.0.1", "port": 0},
  "store": {"path": "$dir/org.db"},
  "rules": {"dir": "$PWD/rules"},
  "org": {"files": ["$dir/org.csv"]},
  "log": {"level": "warn"},
  "channels": [{"name": "bridge", "type": "bridge", "secret": "bench-bridge-secret-01",
                "outbound_url": "http://127.0.0.1:9/send", "bot_id": "wxid_bot"}] }
JSON
timed() {  # label, command...: wall and CPU seconds, peak RSS
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$@" > /dev/null
  read -r secs user sys kb < "$dir/time"
  printf '  %-12s %6.2f s  (cpu %5.2f s)  peak %5d MB\n' "$label" "$secs" \
    "$(echo "$user + $sys" | bc)" $((kb / 1024))
}
# serve CONFIG: seconds from launch until /healthz answers; leaves the server running as $pid.
serve_until_healthy() {
  rm -f "$dir/port"
  local start end
  start=$(date +%s.%N)
  "$BIN" serve -c "$1" --port-file "$dir/port" 2> "$dir/serve.log" &
  pid=$!
  until [ -s "$dir/port" ] && curl -fs "http://127.0.0.1:$(cat "$dir/port")/healthz" > /dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "serve exited:"; cat "$dir/serve.log"; exit 1; }
    sleep 0.01
  done
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Baselines in the same run: reading the CSV's bytes, and the server on the 79-node demo org.
timed "read csv" cat "$dir/org.csv"
mkdir -p "$dir/demo"
sed "s|$dir/org.csv|$PWD/config/demo/org.csv|; s|$dir/org.db|$dir/demo/demo.db|" \
  "$dir/gridbot.json" > "$dir/demo/gridbot.json"
demo=$(for _ in 1 2 3 4 5; do serve_until_healthy "$dir/demo/gridbot.json"; stop; done | median)
printf '  %-12s %6.2f s  to /healthz (median of 5), the demo org\n' "demo serve" "$demo"

echo "org of $rows nodes ($(du -h "$dir/org.csv" | cut -f1)):"
timed import "$BIN" org import "$dir/org.csv" -c "$dir/gridbot.json"
timed again "$BIN" org import "$dir/org.csv" -c "$dir/gridbot.json"
sed -i '0,/,1栋,/s//,1栋（东）,/' "$dir/org.csv"
timed "one changed" "$BIN" org import "$dir/org.csv" -c "$dir/gridbot.json"
city=$(for _ in 1 2 3 4; do serve_until_healthy "$dir/gridbot.json"; stop; done | median)
printf '  %-12s %6.2f s  to /healthz (median of 4 more; ratio to the demo org %.1f)\n' serve \
  "$city" "$(echo "$city / $demo" | bc -l)"
serve_until_healthy "$dir/gridbot.json" > /dev/null
sleep 2
printf '  %-12s %6d MB resident when idle\n' "" $(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024))
