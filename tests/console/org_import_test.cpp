// The console's org import: a preview that writes nothing, an apply of exactly what was
// previewed (409 when the org changed in between), the running org swapped, and the refusals —
// bad rows with their lines, rows outside an admin's subtree, the wrong role, no CSRF token, a
// file too large or not UTF-8.
#include "bot/console/console_api.hpp"

#include "base/config/org_csv.hpp"
#include "tests/console/console_world.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace gridbot;
using gridbot::test::ConsoleWorld;
using gridbot::test::contains;

namespace {

// A string field of a flat JSON answer ("file_digest": "…"); digests and ids need no escaping.
std::string field(const std::string& body, const std::string& key) {
  const std::string open = "\"" + key + "\":\"";
  const auto at = body.find(open);
  if (at == std::string::npos) return {};
  const auto from = at + open.size();
  return body.substr(from, body.find('"', from) - from);
}

// Lines of the demo org whose id is in `ids`, under the header.
std::string demo_rows(const std::set<std::string>& ids) {
  std::ifstream in(std::string(GRIDBOT_SOURCE_DIR) + "/config/demo/org.csv");
  std::string out = std::string(config::kOrgCsvHeader) + "\n", line;
  while (std::getline(in, line))
    if (ids.count(line.substr(0, line.find(',')))) out += line + "\n";
  return out;
}

std::string with_header(const std::string& rows) {
  return std::string(config::kOrgCsvHeader) + "\n" + rows;
}

// 3栋 renamed, 5栋's households and head changed, 65栋 added under the first grid.
const std::string kRenameAndAdd = with_header(
    "b3,g1,building,3栋（东）,51,bridge:room-b3,楼栋长:bridge:wxid_b3_head:崔师傅,10kV沙河线,"
    "棉花地1号台区,,\n"
    "b5,g1,building,5栋,70,bridge:room-b5,楼栋长:bridge:wxid_b5_new:谭阿姨,10kV沙河线,"
    "棉花地2号台区,,\n"
    "b65,g1,building,65栋,20,bridge:room-b65,楼栋长:bridge:wxid_b65_head:严师傅,10kV沙河线,"
    "棉花地1号台区,,\n");

struct Importer {
  ConsoleWorld& w;
  ConsoleWorld::Session s;
  HttpResponse preview(const std::string& csv, const std::string& mode = "merge") {
    return w.call("POST", "/console/api/org/preview?mode=" + mode, csv, s.with_csrf());
  }
  HttpResponse apply(const std::string& csv, const HttpResponse& preview,
                     const std::string& mode = "merge") {
    return w.call("POST",
                  "/console/api/org/apply?mode=" + mode +
                      "&file_digest=" + field(preview.body, "file_digest") +
                      "&org_digest=" + field(preview.body, "org_digest"),
                  csv, s.with_csrf());
  }
};

}  // namespace

TEST_CASE("an org preview tells what would change and writes nothing, and apply does just that",
          "[console][org]") {
  ConsoleWorld w;
  Importer chen{w, w.login("chen")};
  const auto rows = w.store->org_rows();
  const auto before = w.snapshot();
  auto p = chen.preview(kRenameAndAdd);
  INFO(p.body);
  REQUIRE(p.status == 200);
  CHECK(contains(p.body, R"("valid":true)"));
  CHECK(contains(p.body, R"("added":1,"changed":2,"removed":0)"));
  CHECK(contains(p.body, R"({"column":"name","before":"3栋","after":"3栋（东）"})"));
  CHECK(contains(p.body, R"({"column":"households","before":"65","after":"70"})"));
  CHECK(contains(p.body, R"("heads_added":["楼栋长:bridge:wxid_b5_new:谭阿姨"])"));
  CHECK(contains(p.body, R"("heads_removed":["楼栋长:bridge:wxid_b5_head:谭师傅"])"));
  CHECK(contains(p.body, R"("groups_added":["bridge:room-b65"])"));
  CHECK(contains(p.body, R"("id":"b65","name":"65栋","level":"building","parent":"g1","line":4)"));
  // Nothing written, nothing swapped.
  CHECK(w.store->org_rows() == rows);
  CHECK(w.snapshot() == before);
  CHECK(w.service->knowledge()->tree->find("b3")->name == "3栋");

  auto a = chen.apply(kRenameAndAdd, p);
  INFO(a.body);
  REQUIRE(a.status == 200);
  CHECK(contains(a.body, R"("applied":true)"));
  // The running server answers from the new tree at once: the org page, and the new group.
  const auto tree = w.service->knowledge()->tree;
  CHECK(tree->find("b3")->name == "3栋（东）");
  REQUIRE(tree->find("b65"));
  // The incidents too: an outage of its 台区 reaches the new building's group.
  REQUIRE(w.crew("停电 棉花地1号台区 预计19:30恢复 开关柜故障") == 200);
  const auto incident = w.store->incident(1);
  REQUIRE(incident);
  bool targeted = false;
  for (const auto& t : incident->targets) targeted = targeted || t.node == "b65";
  CHECK(targeted);
  CHECK(contains(w.call("GET", "/console/api/org?node=g1", "", chen.s.without_csrf()).body,
                 "3栋（东）"));
  REQUIRE(w.say("room-b65", "wxid_r65", "严阿姨", "报事 65栋电梯坏了") == 200);
  bool opened = false;
  for (const auto& t : w.store->tickets({})) opened = opened || t.origin_node == "b65";
  CHECK(opened);
  // The rows are the store's, as `gridbot org import` would have left them.
  bool stored = false;
  for (const auto& r : w.store->org_rows()) stored = stored || contains(r, "3栋（东）");
  CHECK(stored);
  const auto audit = w.store->audit({0, "org.csv", 0, 10});
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action == "org.import");
  CHECK(audit[0].detail == "merge +1 ~2 -0");
  CHECK(audit[0].result == "ok");

  // The same preview once more: the org it was made on is gone.
  const auto rows_after = w.store->org_rows();
  auto again = chen.apply(kRenameAndAdd, p);
  CHECK(again.status == 409);
  CHECK(contains(again.body, "stale"));
  CHECK(w.store->org_rows() == rows_after);
}

TEST_CASE("an apply of a stale preview or of another file is refused and writes nothing",
          "[console][org]") {
  ConsoleWorld w;
  Importer chen{w, w.login("chen")};
  auto p = chen.preview(kRenameAndAdd);
  REQUIRE(p.status == 200);
  // Another file with the first one's digests.
  const std::string other = with_header("b3,g1,building,3号楼,51,bridge:room-b3,,,,,\n");
  auto wrong = chen.apply(other, p);
  CHECK(wrong.status == 400);
  CHECK(contains(wrong.body, "not_previewed"));
  // The same file in the other mode was not previewed either.
  CHECK(chen.apply(kRenameAndAdd, p, "replace").status == 400);
  // The org changes in between (another admin's import, or `gridbot org import`).
  auto p2 = chen.preview(other);
  REQUIRE(chen.apply(other, p2).status == 200);
  const auto rows = w.store->org_rows();
  const auto audit = w.store->audit({0, "", 0, 1000}).size();
  auto stale = chen.apply(kRenameAndAdd, p);
  CHECK(stale.status == 409);
  CHECK(w.store->org_rows() == rows);
  CHECK(w.store->audit({0, "", 0, 1000}).size() == audit);
  CHECK(w.service->knowledge()->tree->find("b3")->name == "3号楼");
  CHECK(w.service->knowledge()->tree->find("b65") == nullptr);
}

TEST_CASE("bad rows are answered with their lines and nothing is imported", "[console][org]") {
  ConsoleWorld w;
  Importer chen{w, w.login("chen")};
  const auto rows = w.store->org_rows();
  auto bad = with_header(
      "b3,g1,building,3栋（东）,51,bridge:room-b3,,,,,\n"
      "b66,g1,tower,66栋,10,,,,,,\n"
      "b67,g9,building,67栋,10,,,,,,\n");
  auto p = chen.preview(bad);
  INFO(p.body);
  CHECK(p.status == 422);
  CHECK(contains(p.body, R"("valid":false)"));
  CHECK(contains(p.body, "org.csv:3: level \\\"tower\\\""));
  CHECK(w.store->org_rows() == rows);
  // A row that parses but breaks the tree names its line too.
  auto orphan = with_header("b67,g9,building,67栋,10,,,,,,\n");
  p = chen.preview(orphan);
  CHECK(p.status == 422);
  CHECK(contains(p.body, "org.csv:2: node b67"));
  // The page's file name is used in the lines.
  p = w.call("POST", "/console/api/org/preview?mode=merge&name=%E6%A5%BC%E6%A0%8B.csv", orphan,
             chen.s.with_csrf());
  CHECK(contains(p.body, "楼栋.csv:2: node b67"));
  // An apply of a bad file, with its own digests, is refused the same way.
  CHECK(chen.apply(orphan, p).status == 422);
  CHECK(w.store->org_rows() == rows);
  CHECK(w.store->audit({0, "org.csv", 0, 10}).empty());
}

TEST_CASE("an admin of a subtree imports only within it, and other roles not at all",
          "[console][org][scope]") {
  ConsoleWorld w;
  w.add("gao", "g1", AccountRole::admin);
  Importer gao{w, w.login("gao")};
  const auto rows = w.store->org_rows();
  const auto before = w.snapshot();
  // Its own buildings: fine.
  CHECK(gao.preview(kRenameAndAdd).status == 200);
  // A building of another grid, a new node under another grid, its own node moved.
  const std::string outside = with_header(
      "b3,g1,building,3栋（东）,51,bridge:room-b3,,,,,\n"
      "b10,g2,building,10栋（改）,59,bridge:room-b10,,,,,\n"
      "b68,g2,building,68栋,10,,,,,,\n"
      "g1,d2,grid,第1网格,,bridge:room-g1,,,,,\n");
  auto p = gao.preview(outside);
  INFO(p.body);
  CHECK(p.status == 422);
  CHECK(contains(p.body, "org.csv:3: node b10: is outside your subtree 第1网格 (g1)"));
  CHECK(contains(p.body, "org.csv:4: node b68: its parent g2 is outside your subtree"));
  CHECK(contains(p.body, "org.csv:5: node g1: is your own node"));
  CHECK_FALSE(contains(p.body, "org.csv:2:"));
  CHECK(gao.apply(outside, p).status == 422);
  // A viewer, an operator and a controller may not import; without the token nobody may.
  for (const char* who : {"look", "liu", "he"}) {
    Importer other{w, w.login(who)};
    CHECK(other.preview(kRenameAndAdd).status == 403);
  }
  Importer chen{w, w.login("chen")};
  CHECK(w.call("POST", "/console/api/org/preview", kRenameAndAdd, chen.s.without_csrf()).status ==
        403);
  auto p2 = chen.preview(kRenameAndAdd);
  CHECK(w.call("POST",
               "/console/api/org/apply?file_digest=" + field(p2.body, "file_digest") +
                   "&org_digest=" + field(p2.body, "org_digest"),
               kRenameAndAdd, chen.s.without_csrf())
            .status == 403);
  CHECK(w.call("GET", "/console/api/org/preview", "", chen.s.without_csrf()).status == 404);
  CHECK(w.store->org_rows() == rows);
  auto after = w.snapshot();
  after.audit = before.audit;  // the logins
  CHECK(after == before);
}

TEST_CASE("an upload too large, not UTF-8, empty or in an unknown mode is refused",
          "[console][org]") {
  ConsoleWorld w({}, 4096);
  Importer chen{w, w.login("chen")};
  const auto rows = w.store->org_rows();
  std::string big = kRenameAndAdd;
  while (big.size() <= 4096) big += "# padding to pass the limit\n";
  auto r = chen.preview(big);
  CHECK(r.status == 413);
  CHECK(contains(r.body, "console.org_import_limit"));
  // GBK, as a spreadsheet saved without "CSV UTF-8" writes it.
  r = chen.preview(with_header("b3,g1,building,3\xB6\xB0,51,,,,,,\n"));
  CHECK(r.status == 400);
  CHECK(contains(r.body, "not_utf8"));
  CHECK(chen.preview("").status == 400);
  CHECK(chen.preview(kRenameAndAdd, "wipe").status == 400);
  CHECK(w.store->org_rows() == rows);
}

TEST_CASE("a replacing import removes what the file lacks, only within the subtree",
          "[console][org]") {
  ConsoleWorld w;
  w.add("gao", "g1", AccountRole::admin);
  Importer gao{w, w.login("gao")};
  // The first grid without its 9th building.
  const auto without_b9 = demo_rows({"g1", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"});
  auto p = gao.preview(without_b9, "replace");
  INFO(p.body);
  REQUIRE(p.status == 200);
  CHECK(contains(p.body, R"("added":0,"changed":0,"removed":1)"));
  CHECK(contains(p.body, R"("kind":"removed","id":"b9")"));
  CHECK(contains(p.body, R"("groups_removed":["bridge:room-b9"])"));
  // Merging the same file removes nothing.
  CHECK(contains(gao.preview(without_b9).body, R"("removed":0)"));
  REQUIRE(gao.apply(without_b9, p, "replace").status == 200);
  const auto tree = w.service->knowledge()->tree;
  CHECK(tree->find("b9") == nullptr);
  CHECK(tree->find("b10"));  // the next grid's: outside the subtree, untouched
  for (const auto& r : w.store->org_rows()) CHECK(r.rfind("b9,", 0) != 0);

  // A building with an open ticket stays.
  REQUIRE(w.say("room-b3", "wxid_r1", "李阿姨", "报事 3栋2单元楼道灯坏了好几天了") == 200);
  p = gao.preview(demo_rows({"g1", "b1", "b2", "b4", "b5", "b6", "b7", "b8"}), "replace");
  CHECK(p.status == 422);
  CHECK(contains(p.body, "node b3: open tickets #1001"));
  // The admin's own node is kept without its row: the file replaces what lies below it.
  p = gao.preview(demo_rows({"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"}), "replace");
  CHECK(p.status == 200);
  CHECK(contains(p.body, R"("removed":0)"));
  // An account bound to a removed node is warned about.
  w.add("lu", "b8", AccountRole::viewer);
  p = gao.preview(demo_rows({"g1", "b1", "b2", "b3", "b4", "b5", "b6", "b7"}), "replace");
  CHECK(p.status == 200);
  CHECK(contains(p.body, "account lu is bound to b8"));
}
