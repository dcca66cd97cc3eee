// Importing the org: rows that did not change are not written again, a file that did not change
// since its import is not parsed again, and a changed row replaces the stored one.
#include "bot/knowledge/org_loader.hpp"

#include "base/config/org_csv.hpp"

#include "../temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace gridbot;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string csv(const std::string& building_name) {
  return std::string(config::kOrgCsvHeader) +
         "\ns1,,street,街道,,bridge:r-s1,,,,,\n"
         "g1,s1,grid,网格,,bridge:r-g1,网格长:bridge:u-g1:孙师傅,,,,\n"
         "b1,g1,building," +
         building_name + ",40,bridge:r-b1,楼栋长:bridge:u-b1:王阿姨,,,,\n";
}

}  // namespace

TEST_CASE("an org import writes only what changed and skips a file unchanged since", "[org]") {
  test::TempDir dir;
  std::string err;
  auto store = store::open_sqlite_store(dir.file("o.db"), {}, &err);
  REQUIRE(store);
  const std::string file = dir.file("org.csv");
  write_file(file, csv("1栋"));
  std::vector<std::string> errors;
  auto tree = knowledge::import_org({file}, store.get(), &errors);
  REQUIRE(tree);
  CHECK(tree->nodes().size() == 3);
  REQUIRE(store->org_rows().size() == 3);
  CHECK(store->org_file_digests().count(file) == 1);

  // Unchanged: the store's rows make the tree, and the file is not parsed. Shown by breaking a
  // stored row's twin in a way the file would have overwritten: the stored row stays.
  REQUIRE_FALSE(store->write_sync([](store::WriteTx& tx) {
    tx.upsert_org_row("b1",
                      "b1,g1,building,改过的名字,40,bridge:r-b1,楼栋长:bridge:u-b1:王阿姨,,,,");
  }));
  tree = knowledge::import_org({file}, store.get(), &errors);
  REQUIRE(tree);
  CHECK(tree->find("b1")->name == "改过的名字");

  // Changed: parsed again; its changed row replaces the stored one.
  write_file(file, csv("1栋（东）"));
  tree = knowledge::import_org({file}, store.get(), &errors);
  REQUIRE(tree);
  CHECK(tree->find("b1")->name == "1栋（东）");
  bool found = false;
  for (const auto& row : store->org_rows()) found |= row.find("1栋（东）") != std::string::npos;
  CHECK(found);

  // A file with an error changes nothing, digest included.
  const auto digests = store->org_file_digests();
  write_file(file, csv("1栋") + "b2,g9,building,2栋,40,bridge:r-b2,,,,,\n");
  const auto rows = store->org_rows();
  CHECK_FALSE(knowledge::import_org({file}, store.get(), &errors));
  CHECK(store->org_file_digests() == digests);
  // The rows were being written while the tree was checked: none of them stays.
  CHECK(store->org_rows() == rows);
  // And the store takes the next import.
  write_file(file, csv("1栋"));
  errors.clear();
  REQUIRE(knowledge::import_org({file}, store.get(), &errors));
  CHECK(store->org_rows() != rows);
}

TEST_CASE("a later file's row replaces an earlier one, and stored rows keep their order", "[org]") {
  test::TempDir dir;
  std::string err;
  auto store = store::open_sqlite_store(dir.file("o.db"), {}, &err);
  REQUIRE(store);
  const std::string first = dir.file("a.csv"), second = dir.file("b.csv");
  write_file(first, csv("1栋"));
  write_file(second, std::string(config::kOrgCsvHeader) +
                         "\nb1,g1,building,\"1栋, 东\",40,bridge:r-b1,,,,,\n"
                         "b2,g1,building,2栋,30,bridge:r-b2,,,,,\n");
  std::vector<std::string> errors;
  auto tree = knowledge::import_org({first, second}, store.get(), &errors);
  REQUIRE(tree);
  CHECK(tree->find("b1")->name == "1栋, 东");
  CHECK(store->org_rows().size() == 4);
  // Started again from the store alone: the same tree, quoted cell and all.
  errors.clear();
  auto again = knowledge::import_org({}, store.get(), &errors);
  REQUIRE(again);
  REQUIRE(again->nodes().size() == 4);
  CHECK(again->nodes()[0].id == "s1");
  CHECK(again->find("b1")->name == "1栋, 东");
  CHECK(again->find("b1")->heads.empty());
  CHECK(again->by_group("bridge", "r-b2")->households == 30);
}

TEST_CASE("a stored row that no longer parses stops the start with its node named", "[org]") {
  test::TempDir dir;
  std::string err;
  auto store = store::open_sqlite_store(dir.file("o.db"), {}, &err);
  REQUIRE(store);
  REQUIRE_FALSE(store->write_sync([](store::WriteTx& tx) {
    tx.upsert_org_row("s1", "s1,,street,街道,,,,,,,");
    tx.upsert_org_row("x", "x,s1,floor,X,,,,,,,");
  }));
  std::vector<std::string> errors;
  CHECK_FALSE(knowledge::import_org({}, store.get(), &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("(store): node x: level") == 0);
}
