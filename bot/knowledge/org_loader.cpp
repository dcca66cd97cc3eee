// import_org and plan_org: parse, merge, validate, then one transaction with the rows that
// changed.
#include "bot/knowledge/org_loader.hpp"

#include "base/config/org_csv.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

namespace gridbot::knowledge {
namespace {

// A file's identity for "has it changed since it was imported": its size and a 64-bit hash of its
// bytes (a change that keeps both is vanishingly unlikely, and costs only a skipped re-read).
std::string digest_of(std::string_view text) {
  return std::to_string(text.size()) + ":" + std::to_string(std::hash<std::string_view>{}(text));
}

// The id of a stored row: its first field (ids never need quoting: docs/org-csv.md).
std::string_view row_id(std::string_view row) { return row.substr(0, row.find(',')); }

}  // namespace

std::optional<OrgPlan> plan_org(const std::vector<std::string>& stored_rows,
                                const std::vector<OrgSource>& sources,
                                const RemoveAbsent& remove_absent,
                                std::vector<std::string>* errors) {
  OrgPlan plan;
  std::string text = std::string(config::kOrgCsvHeader) + "\n";
  for (const auto& row : stored_rows) text.append(row).push_back('\n');
  if (!config::parse_org_csv("(store)", text, &plan.before, errors)) return std::nullopt;
  // Remember where each incoming node was written, to point tree errors at their row.
  std::unordered_map<std::string, std::string> where;
  bool ok = true;
  for (const auto& source : sources) {
    const size_t before = plan.incoming.size();
    if (!config::parse_org_csv(source.name, source.text, &plan.incoming, errors)) {
      ok = false;
      continue;
    }
    for (size_t i = before; i < plan.incoming.size(); ++i)
      where[plan.incoming[i].id] = source.name + ":" + std::to_string(plan.incoming[i].source_line);
  }
  if (!ok) return std::nullopt;
  // Only rows that differ from the stored ones are written (an unchanged re-import writes none).
  std::unordered_map<std::string_view, std::string_view> stored_by_id;
  for (const auto& row : stored_rows) stored_by_id[row_id(row)] = row;
  for (const auto& n : plan.incoming) {
    std::string row = config::format_org_row(n);
    auto it = stored_by_id.find(n.id);
    if (it == stored_by_id.end() || it->second != row)
      plan.upserts.emplace_back(n.id, std::move(row));
  }
  std::vector<OrgNode> kept;
  if (remove_absent) {
    std::set<std::string_view> named;
    for (const auto& n : plan.incoming) named.insert(n.id);
    for (const auto& n : plan.before) {
      if (!named.count(n.id) && remove_absent(n))
        plan.removals.push_back(n.id);
      else
        kept.push_back(n);
    }
  } else {
    kept = plan.before;
  }
  std::vector<std::string> tree_errors;
  auto tree = config::merge_org(std::move(kept), plan.incoming, &tree_errors);
  for (auto& e : tree_errors) {
    // "node ID: reason" → "FILE:LINE: node ID: reason" when the node came from a file.
    const auto id = e.substr(5, e.find(':') - 5);
    auto it = where.find(id);
    errors->push_back((it != where.end() ? it->second + ": " : std::string()) + e);
  }
  if (!tree) return std::nullopt;
  plan.tree = std::move(*tree);
  return plan;
}

void write_org_plan(const OrgPlan& plan, store::WriteTx& tx) {
  for (const auto& [id, row] : plan.upserts) tx.upsert_org_row(id, row);
  for (const auto& id : plan.removals) tx.delete_org_row(id);
}

std::optional<OrgTree> import_org(const std::vector<std::string>& csv_files, store::Store* store,
                                  std::vector<std::string>* errors) {
  std::vector<std::string> stored;
  std::map<std::string, std::string> digests;
  if (store != nullptr) {
    try {
      stored = store->org_rows();
      digests = store->org_file_digests();
    } catch (const store::ReadError& e) {
      errors->push_back(std::string("(store): the org rows cannot be read: ") + e.what());
      return std::nullopt;
    }
  }
  std::vector<OrgSource> sources;
  std::map<std::string, std::string> fresh_digests;
  bool ok = true;
  for (const auto& file : csv_files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      errors->push_back(file + ":0: cannot read the file");
      ok = false;
      continue;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    const std::string digest = digest_of(text);
    // Imported before and unchanged since: its rows are already the store's.
    if (store != nullptr && digests.count(file) && digests[file] == digest) continue;
    fresh_digests[file] = digest;
    sources.push_back({file, std::move(text)});
  }
  if (!ok) return std::nullopt;
  auto plan = plan_org(stored, sources, nullptr, errors);
  if (!plan) return std::nullopt;
  if (store != nullptr && (!plan->upserts.empty() || !fresh_digests.empty())) {
    auto ec = store->write_sync([&plan, &fresh_digests](store::WriteTx& tx) {
      write_org_plan(*plan, tx);
      for (const auto& [path, digest] : fresh_digests) tx.set_org_file_digest(path, digest);
    });
    if (ec) {
      errors->push_back("store: " + ec.message());
      return std::nullopt;
    }
  }
  return std::move(plan->tree);
}

}  // namespace gridbot::knowledge
