#!/usr/bin/env bash
# Times `gridbot org import` of a generated org CSV with ROWS buildings+ (default 10,000 rows), and
# the same file imported a second time (every row replaced). Usage: bench/org_import_bench.sh [BIN] [ROWS]
set -euo pipefail
BIN="${1:-build-release/bot/gridbot}"
ROWS="${2:-10000}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/org.csv" "$ROWS" <<'PY'
import csv, sys
path, rows = sys.argv[1], int(sys.argv[2])
w = csv.writer(open(path, "w", newline="", encoding="utf-8"), lineterminator="\n")
w.writerow("id,parent,level,name,households,groups,heads,feeders,transformers,dept,categories".split(","))
w.writerow(["s", "", "street", "街道", "", "bridge:r-s", "街道干部:bridge:u-s:陈", "", "", "", ""])
n, c = 1, 0
while n < rows:
    cid = f"c{c}"; c += 1
    w.writerow([cid, "s", "community", f"社区{c}", "", f"bridge:r-{cid}", f"社区区长:bridge:u-{cid}", "", "", "", ""]); n += 1
    for g in range(30):
        gid = f"{cid}g{g}"
        w.writerow([gid, cid, "grid", f"网格{g}", "", f"bridge:r-{gid}", f"网格长:bridge:u-{gid};物业长:bridge:p-{gid}", "", "", "", ""]); n += 1
        for b in range(32):
            if n >= rows: break
            bid = f"{gid}b{b}"
            w.writerow([bid, gid, "building", f"{b + 1}栋", "40", f"bridge:r-{bid}", f"楼栋长:bridge:u-{bid}:王", "10kV沙河线", f"台区{g}", "", ""]); n += 1
PY
printf '{ "store": {"path": "%s/org.db"} }\n' "$dir" > "$dir/gridbot.json"
echo "org import of $(($(wc -l < "$dir/org.csv") - 1)) rows:"
for run in first again; do
  start=$(date +%s.%N)
  "$BIN" org import "$dir/org.csv" -c "$dir/gridbot.json" > /dev/null
  end=$(date +%s.%N)
  printf '  %-6s %.3f s\n' "$run" "$(echo "$end - $start" | bc)"
done
