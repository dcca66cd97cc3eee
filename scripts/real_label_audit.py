#!/usr/bin/env python3
"""Label audit of the real splits by the labelling guideline (docs/rules-evaluation.md, "Label audit").

Flags every report row of tests/data/real_dev.tsv, real_blind.tsv, real_dev_fz.tsv and
real_blind_fz.tsv whose label may contradict a documented rule (docs/rules.md, "Tier" and
"Labelling real text"). A flag is only a candidate: each was read by hand, and the decisions
taken are listed in DECISIONS with the rule applied. The classifier's answers play no part.

Usage (from the repository root):
  scripts/real_label_audit.py            print the flagged rows (file, id, label, flags, text)
  scripts/real_label_audit.py --apply    write DECISIONS into the files and count them per file
"""
import re
import sys
from collections import Counter

FILES = ["real_dev", "real_blind", "real_dev_fz", "real_blind_fz"]
NUM = r"(?:[0-9]+|[一二两三四五六七八九十几半数多]+)"
# H1/H2: a stated duration of the matter itself, or appeals that came to nothing.
HISTORY = re.compile(
    NUM + r"(?:多|余|来)?(?:年|个多月|个月)(?:多|余)?(?:之久|以来|来|了|多了|有余|过去了|还|仍|依然|都|一直|未|没)"
    r"|大半年|年来|至今|迟迟|一直没|一直未|多次|反复(?:投诉|反映)|屡次|无数次|久拖|拖了|常年|长期"
    r"|多年|几年|好几年|数年|一年多|几个月|好几个月|答复不满意|投诉过|反映过|好多次|很多次|至少.次|几次"
    r"|[0-9]+次|几十年|周年|延期|拖延|逾期")
# H3: passed between departments or companies.
PASSED = re.compile(r"推诿|推脱|踢皮球|扯皮|互相推|推给")
# H4 / C2: land, relocation, compensation.
LAND = re.compile(r"征地|征收|拆迁|扯迁|安置|补偿|还房|占地")
# Other hard conditions of "Tier" (developer, certificates, courts, policy).
OTHER_HARD = re.compile(r"住建|信访|法院|产权|不动产证|房产证|政策|开发商|烂尾|交房|依然|依旧|仍然|仍未|仍旧|还是没|不满意|再次|又一次|又开始")
SEWAGE = re.compile(r"臭|异味|污水|排污|截污|黑水|粪")  # C1
HAZARD = re.compile(r"隐患|如果|万一|一旦")
NOW = re.compile(r"(?:正在|现在|此刻|刚才).{0,8}(?:着火|冒烟|漏气|燃气味|困|淹|倒塌|坍塌)|被困|困在电梯")

RULES = {
    "H1": "hard: the matter itself unsolved for 2 months or more (a stated duration, 常年, 长期, 至今 since a date)",
    "H2": "hard: appeals made repeatedly (or a promise given) and the matter still unsolved",
    "H3": "hard: passed between departments or companies (推诿, 推给, 踢皮球)",
    "H4": "hard: land, relocation or compensation is the matter",
    "N1": "big, not hard: none of hard's conditions; a river, public works or night works near homes",
    "C1": "sanitation, not other: a sewage smell or sewage let into a river",
    "C2": "other: land or relocation is the matter (not the works' noise or dust it causes)",
}

# id: [(field, new value, rule)]: decided by reading each flagged row.
DECISIONS = {}


def decide(ids, field, value, rule):
    for i in ids.split():
        DECISIONS.setdefault(i, []).append((field, value, rule))


decide("wz2808817 wz3182049 pg06 pg07 pg11 pg14 pg16 wz2821482 fz3 fz194 fz219 fz381 fz835 pg04 "
       "wz3215002 wz3643902 fz966 fz280", "tier", "hard", "H1")
decide("wz2671514 wz2808846 wz3194013 wz3198134 wz3643889 pg08 wz3191620 fz466 fz511 fz906 wz2757278 "
       "wz3643956 pg01 pg12 wz3199662 fz314 fz403 fz722 fz744 fz752 fz756 fz912 fz948 fz1013 fz1087 "
       "fz1139", "tier", "hard", "H2")
decide("wz2823173 fz539 fz916 fz944", "tier", "hard", "H3")
decide("fz532 fz754 fz755 fz993 fz994 fz780 fz577", "tier", "hard", "H4")
decide("fz166 fz167 fz268 fz508 fz656 fz824 fz968 fz40", "tier", "big", "N1")
decide("fz16 fz56 fz571 fz574 fz948 fz390", "category", "sanitation", "C1")
decide("wz2756713 wz2778680 fz994 fz532 fz754 fz755 fz993 fz1056 fz780 fz577", "category", "other", "C2")

COLUMN = {"category": 3, "tier": 4, "urgent": 5}


def flags(text, cat, tier, urgent):
    out = []
    if tier != "hard" and (HISTORY.search(text) or PASSED.search(text)):
        out.append("hard?")
    if tier == "hard" and not (HISTORY.search(text) or PASSED.search(text) or LAND.search(text)
                               or OTHER_HARD.search(text)):
        out.append("not-hard?")
    if cat == "other" and SEWAGE.search(text):
        out.append("sanitation?")
    if cat != "other" and LAND.search(text):
        out.append("land-other?")
    if urgent == "1" and HAZARD.search(text):
        out.append("hazard-not-urgent?")
    if urgent == "0" and NOW.search(text):
        out.append("urgent?")
    return out


def main():
    apply = "--apply" in sys.argv[1:]
    counts, seen = Counter(), set()
    for name in FILES:
        path = f"tests/data/{name}.tsv"
        lines = open(path, encoding="utf-8").read().split("\n")
        for n, line in enumerate(lines):
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[2] != "1":
                continue
            if not apply:
                f = flags(cols[1], cols[3], cols[4], cols[5])
                if f:
                    print(name, cols[0], cols[3], cols[4], cols[5], ",".join(f), cols[1][:160],
                          sep="\t")
                continue
            for field, value, rule in DECISIONS.get(cols[0], []):
                seen.add(cols[0])
                if cols[COLUMN[field]] != value:
                    cols[COLUMN[field]] = value
                    counts[(name, rule)] += 1
            lines[n] = "\t".join(cols)
        if apply:
            open(path, "w", encoding="utf-8").write("\n".join(lines))
    if apply:
        missing = set(DECISIONS) - seen
        if missing:
            sys.exit(f"decided ids not found: {sorted(missing)}")
        for (name, rule), c in sorted(counts.items()):
            print(f"{name}\t{rule}\t{c}")


if __name__ == "__main__":
    main()
