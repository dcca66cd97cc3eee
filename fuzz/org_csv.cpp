// The org CSV (docs/org-csv.md): what `gridbot org import FILE.csv` reads, and what the store keeps
// (one format_org_row line per node, read back with parse_org_row at every start and reload). So
// beyond not crashing, a file that parses must survive that round trip unchanged, and the tree
// built from it must give back every record and find every node by id and by group.
#include "base/config/csv.hpp"
#include "base/config/org_csv.hpp"
#include "fuzz/fuzz_support.hpp"

using namespace gridbot;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::vector<config::CsvRow> rows;
  std::string csv_error;
  (void)config::parse_csv(text, &rows, &csv_error);

  std::vector<OrgRecord> nodes;
  std::vector<std::string> errors;
  if (!config::parse_org_csv("fuzz.csv", text, &nodes, &errors)) {
    FUZZ_CHECK(!errors.empty() && nodes.empty());
    return 0;
  }
  FUZZ_CHECK(errors.empty());

  // The store's round trip (bot/knowledge/org_loader.cpp): header, then one line per node.
  std::string stored = std::string(config::kOrgCsvHeader) + "\n";
  for (const auto& n : nodes) stored += config::format_org_row(n) + "\n";
  std::vector<OrgRecord> back;
  std::vector<std::string> back_errors;
  FUZZ_CHECK(config::parse_org_csv("(store)", stored, &back, &back_errors));
  FUZZ_CHECK(back.size() == nodes.size());
  OrgRecord one;
  std::string why;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string row = config::format_org_row(nodes[i]);
    FUZZ_CHECK(config::format_org_row(back[i]) == row);
    FUZZ_CHECK(config::parse_org_row(row, &one, &why));
    FUZZ_CHECK(config::format_org_row(one) == row);
  }

  auto tree = config::merge_org({}, nodes, &errors);
  if (!tree) return 0;
  FUZZ_CHECK(errors.empty());
  FUZZ_CHECK(tree->nodes().size() == nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const OrgNode& n = tree->nodes()[i];
    FUZZ_CHECK(config::format_org_row(to_record(n)) == config::format_org_row(nodes[i]));
    FUZZ_CHECK(tree->find(n.id) == &n);
    for (const auto& g : n.groups) FUZZ_CHECK(tree->by_group(g.channel, g.chat_id) == &n);
    for (const OrgNode* c : tree->children(n)) FUZZ_CHECK(c->parent == n.id);
  }
  return 0;
}
