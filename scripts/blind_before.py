#!/usr/bin/env python3
"""Pooled before-figures of blind batches, each scored with the rules of its own commit.

docs/rules-evaluation.md reports every blind batch as scored once, with the rules of the commit before the
round that tuned on it. `gridbot eval` scores files with one rule folder; this script pools
batches scored with different ones: for each BATCH:COMMIT it exports rules/*.json of COMMIT
(git show) to a temp folder, runs `GRIDBOT classify -r FOLDER` on the batch's texts, and adds
the answers to one confusion count, with eval's definitions (category, tier and location over
the gold reports; a missed report's location is right when the gold has none).

The classifier binary is today's: its code paths that later rounds added are driven by optional
location.json keys that an older folder does not have, so an old folder behaves as it did
(one exception, noted in docs/rules-evaluation.md: 廿 and 卅 are numerals in today's code). Keys renamed
since are mapped (neighbour_* -> room_owner_*).

Usage (from the repository root):
  scripts/blind_before.py [--urgent-offset X] build/bot/gridbot ff:fe52b34 gg:fe52b34 ...

--urgent-offset X sets blend.urgent_offset in every exported model.json (the sweep of
docs/rules-evaluation.md, "The urgent offset").
"""
import json
import os
import re
import subprocess
import sys
import tempfile

RENAMED = {"neighbour_prefixes": "room_owner_prefixes",
           "neighbour_not_ends": "room_owner_not_ends"}


def export_rules(commit, folder, urgent_offset=None):
    names = subprocess.run(["git", "ls-tree", "--name-only", commit, "rules/"],
                           capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        if not name.endswith(".json"):
            continue
        text = subprocess.run(["git", "show", f"{commit}:{name}"], capture_output=True,
                              text=True, check=True).stdout
        for old, new in RENAMED.items():
            text = text.replace(f'"{old}"', f'"{new}"')
        if urgent_offset is not None and name.endswith("model.json"):
            text = re.sub(r', "urgent_offset": [-0-9.e]+', "", text, count=1)
            text = re.sub(r'("blend": \{[^}]*)\}', lambda m: f'{m.group(1)}, "urgent_offset": '
                          f'{urgent_offset}}}', text, count=1)
        with open(os.path.join(folder, os.path.basename(name)), "w", encoding="utf-8") as f:
            f.write(text)


def location_text(loc):
    parts = [f"{k}={loc[key]}" for k, key in (("b", "building"), ("u", "unit"), ("r", "room"))
             if key in loc]
    return ";".join(parts) or "-"


def main():
    args = sys.argv[1:]
    urgent_offset = None
    if args[:1] == ["--urgent-offset"]:
        urgent_offset = float(args[1])
        args = args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    binary = args[0]
    t = dict(tp=0, fp=0, fn=0, gold=0, cat=0, tier=0, ug=0, up=0, ut=0, loc=0, n=0)
    for spec in args[1:]:
        batch, commit = spec.split(":")
        path = f"tests/rules/data/blind_batch_{batch}.tsv"
        with open(path, encoding="utf-8") as f:
            rows = [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]
        with tempfile.TemporaryDirectory() as folder:
            export_rules(commit, folder, urgent_offset)
            out = subprocess.run([binary, "classify", "-r", folder],
                                 input="\n".join(r[1] for r in rows) + "\n",
                                 capture_output=True, text=True, check=True).stdout.splitlines()
        assert len(out) == len(rows), (path, len(out), len(rows))
        for row, line in zip(rows, out):
            d = json.loads(line)
            gold, pred = row[2] == "1", d["is_report"]
            t["n"] += 1
            t["tp"] += gold and pred
            t["fp"] += pred and not gold
            t["fn"] += gold and not pred
            if gold:
                t["gold"] += 1
                t["cat"] += pred and d["category"] == row[3]
                t["tier"] += pred and d["tier"] == row[4]
                t["loc"] += location_text(d.get("location", {})) == row[6]
            gu, pu = gold and row[5] == "1", pred and d.get("urgent", False)
            t["ug"] += gu
            t["up"] += pu
            t["ut"] += gu and pu
    p = t["tp"] / max(t["tp"] + t["fp"], 1)
    r = t["tp"] / max(t["tp"] + t["fn"], 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    g = max(t["gold"], 1)
    print(f"{t['n']} messages, {t['gold']} reports, {t['ug']} urgent: "
          f"F1 {f1:.3f} (P {p:.3f} R {r:.3f}) category {t['cat'] / g:.3f} "
          f"tier {t['tier'] / g:.3f} urgent {t['ut'] / max(t['ug'], 1):.3f} ({t['ut']}/{t['ug']}) "
          f"/ {t['ut'] / max(t['up'], 1):.3f} ({t['ut']}/{t['up']}) "
          f"location {t['loc'] / g:.3f}")


if __name__ == "__main__":
    main()
