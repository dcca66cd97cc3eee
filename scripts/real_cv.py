#!/usr/bin/env python3
"""Two-fold cross-validation on the real development splits (docs/rules-evaluation.md, "Real text").

The rows of tests/data/real_dev.tsv and the other real development splits (REAL below) are
dealt into two halves by CRC-32 of their id % 2. For each half, the model is trained
(`GRIDBOT train`) on the synthetic training files of docs/rules.md "Training" plus the other half
of every real split, and the half is
classified with the folder's rule files and that model. The answers of both halves are pooled
per source and scored with eval's definitions (category, tier and location over the gold
reports; a missed report counts as wrong). The blind splits are never read.

Usage (from the repository root):
  scripts/real_cv.py [--errors FILE] [--min-count N] [--max-ngrams N] build-release/bot/gridbot rules

--errors FILE writes every false report, every wrong category or tier and every wrong urgency
(gold, answer, text) for reading. --min-count N and --max-ngrams N are passed to `gridbot train`
(the shipped model's settings, docs/rules.md "Training").
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections import Counter

REAL = ["tests/data/real_dev.tsv", "tests/data/real_dev_fz.tsv", "tests/data/real_dev_dg.tsv",
        "tests/data/real_dev_zj.tsv", "tests/data/real_dev_ne.tsv", "tests/data/real_dev_gs.tsv",
        "tests/data/real_dev_hk.tsv"]
SKIPPED = ("_dd", "_ee", "_ss", "_tt", "_uu")  # not trained on (docs/rules.md, "Training")


def synthetic_files():
    return ["tests/data/messages.tsv"] + sorted(
        f for f in glob.glob("tests/rules/data/*.tsv") if not any(s in f for s in SKIPPED))


def read_rows(path):
    header, rows = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#") or not line:
                header.append(line)
                continue
            rows.append(line.split("\t"))
    return header, rows


def location_text(loc):
    parts = [f"{k}={loc[key]}" for k, key in (("b", "building"), ("u", "unit"), ("r", "room"))
             if key in loc]
    return ";".join(parts) or "-"


def gold_location(text):
    """The gold with its building letters upper-case, as the classifier writes them (eval does so)."""
    return ";".join(p[:2] + p[2:].upper() for p in text.split(";")) if text != "-" else "-"


def classify(gridbot, folder, texts):
    out = subprocess.run([gridbot, "classify", "-r", folder], input="\n".join(texts) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return [json.loads(line) for line in out]


def main():
    args = sys.argv[1:]
    errors_path = None
    min_count, max_ngrams = "1", "0"
    while args[:1] in (["--errors"], ["--min-count"], ["--max-ngrams"]):
        if args[0] == "--errors":
            errors_path = args[1]
        elif args[0] == "--min-count":
            min_count = args[1]
        else:
            max_ngrams = args[1]
        args = args[2:]
    gridbot, rules = args
    halves = {src: ([], []) for src in REAL}
    for src in REAL:
        for row in read_rows(src)[1]:
            halves[src][zlib.crc32(row[0].encode()) % 2].append(row)
    stats = {src: Counter() for src in REAL}
    tier_conf = {src: Counter() for src in REAL}
    cat_conf = {src: Counter() for src in REAL}
    wrong = []
    with tempfile.TemporaryDirectory() as tmp:
        for fold in (0, 1):
            train = []
            for src in REAL:
                path = os.path.join(tmp, f"train{fold}_{os.path.basename(src)}")
                with open(path, "w", encoding="utf-8") as f:
                    for row in halves[src][1 - fold]:
                        f.write("\t".join(row) + "\n")
                train.append(path)
            folder = os.path.join(tmp, f"rules{fold}")
            shutil.copytree(rules, folder, ignore=shutil.ignore_patterns("model.bin"))
            subprocess.run([gridbot, "train", "-r", rules, "--min-count", min_count,
                            "--max-ngrams", max_ngrams, "--out",
                            os.path.join(folder, "model.json")] + synthetic_files() + train,
                           capture_output=True, text=True, check=True)
            for src in REAL:
                rows = halves[src][fold]
                answers = classify(gridbot, folder, [r[1] for r in rows])
                for row, a in zip(rows, answers):
                    s = stats[src]
                    gold = row[2] == "1"
                    said = a["is_report"]
                    s["tp"] += gold and said
                    s["fp"] += said and not gold
                    s["fn"] += gold and not said
                    said_urgent = bool(said and a["urgent"])
                    s["false_urgent"] += said_urgent and row[5] != "1"
                    s["urgent"] += row[5] == "1"
                    s["urgent_found"] += said_urgent and row[5] == "1"
                    if said_urgent != (row[5] == "1"):
                        wrong.append(f"{row[0]}\turgent {row[5]}\turgent {int(said_urgent)}\t"
                                     f"{row[1][:300]}")
                    if not gold:
                        if said:
                            wrong.append(f"{row[0]}\t-\t{a['category']}/{a['tier']}\t{row[1][:300]}")
                        continue
                    s["reports"] += 1
                    cat, tier = (a["category"], a["tier"]) if said else ("-", "-")
                    loc = location_text(a.get("location", {})) if said else "-"
                    s["cat"] += cat == row[3]
                    s["tier"] += tier == row[4]
                    s["loc"] += loc == gold_location(row[6])
                    if tier != row[4]:
                        tier_conf[src][(row[4], tier)] += 1
                    if cat != row[3]:
                        cat_conf[src][(row[3], cat)] += 1
                    if cat != row[3] or tier != row[4]:
                        wrong.append(f"{row[0]}\t{row[3]}/{row[4]}\t{cat}/{tier}\t{row[1][:300]}")
    for src in REAL:
        s = stats[src]
        p = s["tp"] / max(1, s["tp"] + s["fp"])
        r = s["tp"] / max(1, s["tp"] + s["fn"])
        f1 = 2 * p * r / max(1e-9, p + r)
        n = max(1, s["reports"])
        print(f"{src}: {s['reports']} reports  report P/R/F1 {p:.3f}/{r:.3f}/{f1:.3f}  "
              f"category {s['cat'] / n:.3f}  tier {s['tier'] / n:.3f}  "
              f"location {s['loc'] / n:.3f}  false urgent {s['false_urgent']}  "
              f"urgent found {s['urgent_found']}/{s['urgent']}")
        print("  tier (gold -> said):",
              ", ".join(f"{g}->{x} {c}" for (g, x), c in tier_conf[src].most_common(8)))
        print("  category (gold -> said):",
              ", ".join(f"{g}->{x} {c}" for (g, x), c in cat_conf[src].most_common(10)))
    if errors_path:
        with open(errors_path, "w", encoding="utf-8") as f:
            f.write("\n".join(wrong) + "\n")


if __name__ == "__main__":
    main()
