// import_org: parse, merge, validate, then one transaction.
#include "bot/knowledge/org_loader.hpp"

#include "base/config/org_csv.hpp"

#include <unordered_map>

namespace gridbot::knowledge {

std::optional<OrgTree> import_org(const std::vector<std::string>& csv_files, store::Store* store,
                                  std::vector<std::string>* errors) {
  std::vector<OrgNode> existing, incoming;
  if (store != nullptr) {
    std::string text = std::string(config::kOrgCsvHeader) + "\n";
    try {
      for (const auto& row : store->org_rows()) text += row + "\n";
    } catch (const store::ReadError& e) {
      errors->push_back(std::string("(store): the org rows cannot be read: ") + e.what());
      return std::nullopt;
    }
    if (!config::parse_org_csv("(store)", text, &existing, errors)) return std::nullopt;
  }
  // Remember where each incoming node was written, to point tree errors at their row.
  std::unordered_map<std::string, std::string> where;
  bool ok = true;
  for (const auto& file : csv_files) {
    const size_t before = incoming.size();
    if (!config::load_org_csv(file, &incoming, errors)) {
      ok = false;
      continue;
    }
    for (size_t i = before; i < incoming.size(); ++i)
      where[incoming[i].id] = file + ":" + std::to_string(incoming[i].source_line);
  }
  if (!ok) return std::nullopt;
  std::vector<std::string> tree_errors;
  auto rows = incoming;  // kept for the store write
  auto tree = config::merge_org(std::move(existing), std::move(incoming), &tree_errors);
  for (auto& e : tree_errors) {
    // "node ID: reason" → "FILE: node ID: reason" when the node came from a file.
    const auto id = e.substr(5, e.find(':') - 5);
    auto it = where.find(id);
    errors->push_back((it != where.end() ? it->second + ": " : std::string()) + e);
  }
  if (!tree) return std::nullopt;
  if (store != nullptr && !rows.empty()) {
    auto ec = store->write_sync([&rows](store::WriteTx& tx) {
      for (const auto& n : rows) tx.upsert_org_row(n.id, config::format_org_row(n));
    });
    if (ec) {
      errors->push_back("store: " + ec.message());
      return std::nullopt;
    }
  }
  return tree;
}

}  // namespace gridbot::knowledge
