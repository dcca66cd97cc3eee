// The org CSV (docs/org-csv.md): what `gridbot org import FILE.csv` reads, and what the store keeps
// (one format_org_row line per node, read back with parse_org_csv at every start and reload). So
// beyond not crashing, a file that parses must survive that round trip unchanged, and the tree is
// then built and validated as an import does.
#include "base/config/csv.hpp"
#include "base/config/org_csv.hpp"
#include "fuzz/fuzz_support.hpp"

using namespace gridbot;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::vector<config::CsvRow> rows;
  std::string csv_error;
  (void)config::parse_csv(text, &rows, &csv_error);

  std::vector<OrgNode> nodes;
  std::vector<std::string> errors;
  if (!config::parse_org_csv("fuzz.csv", text, &nodes, &errors)) {
    FUZZ_CHECK(!errors.empty() && nodes.empty());
    return 0;
  }
  FUZZ_CHECK(errors.empty());

  // The store's round trip (bot/knowledge/org_loader.cpp): header, then one line per node.
  std::string stored = std::string(config::kOrgCsvHeader) + "\n";
  for (const auto& n : nodes) stored += config::format_org_row(n) + "\n";
  std::vector<OrgNode> back;
  std::vector<std::string> back_errors;
  FUZZ_CHECK(config::parse_org_csv("(store)", stored, &back, &back_errors));
  FUZZ_CHECK(back.size() == nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    FUZZ_CHECK(config::format_org_row(back[i]) == config::format_org_row(nodes[i]));

  auto tree = config::merge_org({}, std::move(nodes), &errors);
  if (tree) FUZZ_CHECK(errors.empty());
  return 0;
}
