#!/usr/bin/env python3
"""Writes config/demo/org.csv: the demo org modelled on 钟鼓楼街道棉花地社区 (seeds/000): 1 street,
1 community, 3 districts (片区), 7 grids, 64 buildings, a power department, a water department and a
utility crew group. Deterministic: run it again and the file is the same."""
import csv, sys

HEADER = ["id", "parent", "level", "name", "households", "groups", "heads", "feeders",
          "transformers", "dept", "categories"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

def name(i):
    return SURNAMES[i % len(SURNAMES)] + "师傅"

rows = []
def add(**kw):
    rows.append([kw.get(k, "") for k in HEADER])

add(id="st-zgl", level="street", name="钟鼓楼街道", groups="bridge:room-street",
    heads="街道干部:bridge:wxid_street_chen:陈主任")
add(id="cm-mhd", parent="st-zgl", level="community", name="棉花地社区", groups="bridge:room-community",
    heads="社区区长:bridge:wxid_comm_liu:刘书记")
add(id="dep-power", parent="st-zgl", level="department", name="国网万州供电公司", dept="供电",
    categories="power", groups="bridge:room-power",
    heads="调度员:bridge:wxid_ctrl_he:何调度;部门人员:bridge:wxid_power_mgr:电满满网格经理")
add(id="dep-crew", parent="st-zgl", level="department", name="供电抢修班", dept="抢修",
    categories="power", groups="bridge:room-crew",
    heads="抢修人员:bridge:wxid_crew_zhou:周班长;抢修人员:bridge:wxid_crew_wu:吴师傅")
add(id="dep-water", parent="st-zgl", level="department", name="万州供水公司", dept="供水",
    categories="water", groups="bridge:room-water", heads="部门人员:bridge:wxid_water_sun:孙工")

# 3 districts with 2, 2 and 3 grids; 64 buildings spread over the 7 grids.
districts = [("d1", "一片区", 2), ("d2", "二片区", 2), ("d3", "三片区", 3)]
feeders = ["10kV沙河线", "10kV钟鼓线", "10kV棉纺线"]
grid_no, building_no = 0, 0
per_grid = [9, 9, 9, 9, 9, 10, 9]
for di, (did, dname, ngrids) in enumerate(districts):
    add(id=did, parent="cm-mhd", level="district", name=dname, groups=f"bridge:room-{did}",
        heads=f"片区区长:bridge:wxid_{did}_head:{name(di + 40)}")
    for _ in range(ngrids):
        grid_no += 1
        gid = f"g{grid_no}"
        add(id=gid, parent=did, level="grid", name=f"第{grid_no}网格", groups=f"bridge:room-{gid}",
            heads=(f"网格长:bridge:wxid_{gid}_head:{name(grid_no + 10)};"
                   f"网格员:bridge:wxid_{gid}_worker:{name(grid_no + 20)};"
                   f"物业长:bridge:wxid_{gid}_property:{name(grid_no + 30)}"))
        for _ in range(per_grid[grid_no - 1]):
            building_no += 1
            bid = f"b{building_no}"
            feeder = feeders[di]
            ta = f"棉花地{(building_no - 1) // 4 + 1}号台区"
            add(id=bid, parent=gid, level="building", name=f"{building_no}栋",
                households=str(30 + (building_no * 7) % 41), groups=f"bridge:room-{bid}",
                heads=f"楼栋长:bridge:wxid_{bid}_head:{name(building_no + 50)}",
                feeders=feeder, transformers=ta)

out = open(sys.argv[1] if len(sys.argv) > 1 else "config/demo/org.csv", "w", newline="", encoding="utf-8")
out.write("# Demo org: 钟鼓楼街道棉花地社区 (made by tools/make_demo_org.py; format in docs/org-csv.md)\n")
w = csv.writer(out, lineterminator="\n")
w.writerow(HEADER)
w.writerows(rows)
