// import_org (start-up and `gridbot org import`): the stored rows streamed into the tree, the
// files' rows in their place, one transaction with the rows that changed. plan_org (the console's
// import with its preview): the same parser and tree, with the records kept for the diff.
#include "bot/knowledge/org_loader.hpp"

#include "base/common/flat_index.hpp"
#include "base/config/org_csv.hpp"

#include <algorithm>
#include <fstream>
#include <future>
#include <stdexcept>
#include <set>
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

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const auto size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size < 0) return false;
  out->resize(static_cast<size_t>(size));
  in.seekg(0);
  return static_cast<bool>(in.read(out->data(), static_cast<std::streamsize>(out->size())));
}

}  // namespace

std::optional<OrgPlan> plan_org(const std::vector<std::string>& stored_rows,
                                const std::vector<OrgSource>& sources,
                                const RemoveAbsent& remove_absent,
                                std::vector<std::string>* errors) {
  OrgPlan plan;
  plan.before.reserve(stored_rows.size());
  std::string why;
  for (const auto& row : stored_rows) {
    OrgRecord r;
    if (!config::parse_org_row(row, &r, &why)) {
      errors->push_back("(store): node " + std::string(row_id(row)) + ": " + why);
      return std::nullopt;
    }
    plan.before.push_back(std::move(r));
  }
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
  std::vector<OrgRecord> kept;
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
  std::map<std::string, std::string> digests;
  if (store != nullptr) {
    try {
      digests = store->org_file_digests();
    } catch (const store::ReadError& e) {
      errors->push_back(std::string("(store): the org rows cannot be read: ") + e.what());
      return std::nullopt;
    }
  }
  // The files first (only those changed since their import), kept as the rows the store would
  // hold: one string per node rather than a record of a dozen allocations.
  std::vector<std::string> incoming;
  std::vector<int> line_of;
  std::vector<size_t> file_of;
  std::map<std::string, std::string> fresh_digests;
  bool ok = true;
  for (size_t f = 0; f < csv_files.size(); ++f) {
    const auto& file = csv_files[f];
    std::string text;
    if (!read_file(file, &text)) {
      errors->push_back(file + ":0: cannot read the file");
      ok = false;
      continue;
    }
    const std::string digest = digest_of(text);
    // Imported before and unchanged since: its rows are already the store's.
    if (store != nullptr && digests.count(file) && digests[file] == digest) continue;
    // Room for a row per line at once: a city's 400,000 rows grown by doubling would copy them
    // and touch fresh pages at every step.
    const auto lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    incoming.reserve(incoming.size() + lines);
    line_of.reserve(line_of.size() + lines);
    if (!config::for_each_org_record(
            file, text,
            [&](const OrgRecord& r) {
              incoming.push_back(config::format_org_row(r));
              line_of.push_back(r.source_line);
            },
            errors)) {
      ok = false;
      continue;
    }
    fresh_digests[file] = digest;
    file_of.resize(incoming.size(), f);
  }
  if (!ok) return std::nullopt;
  // A later row with the same id wins (a later file corrects an earlier one).
  const std::hash<std::string_view> hash;
  FlatIndex by_id;
  by_id.reset(incoming.size());
  std::vector<char> pending(incoming.size(), 1);  // not yet in the tree
  for (size_t i = 0; i < incoming.size(); ++i) {
    const auto id = row_id(incoming[i]);
    const auto old = by_id.put(hash(id), static_cast<uint32_t>(i),
                               [&](uint32_t j) { return row_id(incoming[j]) == id; });
    if (old != FlatIndex::npos) pending[old] = 0;
  }
  auto incoming_row = [&](std::string_view id) {
    return by_id.find(hash(id), [&](uint32_t j) { return row_id(incoming[j]) == id; });
  };

  // Only rows that differ from the stored ones are written (an unchanged re-import writes none).
  // They are known before the tree is built, so the writer writes them while the tree is built
  // (a city's import is half parsing, half writing: two cores do it in about half the time), and
  // commits only once the tree is valid.
  std::vector<uint32_t> changed;
  if (store != nullptr && !incoming.empty()) {
    std::vector<char> stored(incoming.size(), 0);
    try {
      store->for_each_org_row([&](std::string_view row) {
        const auto i = incoming_row(row_id(row));
        if (i == FlatIndex::npos) return;
        stored[i] = 1;
        if (pending[i] && incoming[i] != row) changed.push_back(i);
      });
    } catch (const store::ReadError& e) {
      errors->push_back(std::string("(store): the org rows cannot be read: ") + e.what());
      return std::nullopt;
    }
    for (size_t i = 0; i < incoming.size(); ++i)
      if (pending[i] && !stored[i]) changed.push_back(static_cast<uint32_t>(i));
  }
  std::promise<bool> tree_valid;
  std::future<std::error_code> written;
  if (store != nullptr && (!changed.empty() || !fresh_digests.empty())) {
    written = std::async(std::launch::async, [&, valid = tree_valid.get_future()]() mutable {
      return store->write_sync([&](store::WriteTx& tx) {
        for (uint32_t i : changed) tx.upsert_org_row(row_id(incoming[i]), incoming[i]);
        for (const auto& [path, digest] : fresh_digests) tx.set_org_file_digest(path, digest);
        if (!valid.get()) throw std::runtime_error("the org is not valid: nothing of it written");
      });
    });
  }
  // However this function ends, the writer learns whether to commit, before `written` is waited
  // for (members of a scope end in reverse order).
  struct Settle {
    std::promise<bool>& p;
    bool done = false;
    void operator()(bool v) {
      if (!done) p.set_value(v);
      done = true;
    }
    ~Settle() { (*this)(false); }
  } settle{tree_valid};

  // Stored rows stream into the tree in their order, each replaced by its incoming row if any.
  OrgTree::Builder builder;
  builder.reserve(incoming.size());
  OrgRecord rec;
  std::string why;
  auto add = [&](std::string_view row, std::string_view origin) {
    if (!config::parse_org_row(row, &rec, &why)) {
      errors->push_back(std::string(origin) + ": node " + std::string(row_id(row)) + ": " + why);
      ok = false;
      return;
    }
    builder.add(rec);
  };
  if (store != nullptr) {
    try {
      store->for_each_org_row([&](std::string_view row) {
        const auto i = incoming_row(row_id(row));
        if (i == FlatIndex::npos) return add(row, "(store)");
        pending[i] = 0;
        add(incoming[i], csv_files[file_of[i]]);
      });
    } catch (const store::ReadError& e) {
      errors->push_back(std::string("(store): the org rows cannot be read: ") + e.what());
      return std::nullopt;
    }
  }
  for (size_t i = 0; i < incoming.size(); ++i)
    if (pending[i]) add(incoming[i], csv_files[file_of[i]]);
  if (!ok) return std::nullopt;
  std::vector<std::string> tree_errors;
  auto tree = std::move(builder).finish(&tree_errors);
  for (auto& e : tree_errors) {
    // "node ID: reason" → "FILE:LINE: node ID: reason" when the node came from a file.
    const auto i = incoming_row(std::string_view(e).substr(5, e.find(':') - 5));
    errors->push_back((i != FlatIndex::npos
                           ? csv_files[file_of[i]] + ":" + std::to_string(line_of[i]) + ": "
                           : std::string()) +
                      e);
  }
  settle(tree.has_value());
  if (!tree) return std::nullopt;
  if (written.valid()) {
    if (auto ec = written.get()) {
      errors->push_back("store: " + ec.message());
      return std::nullopt;
    }
  }
  return tree;
}

}  // namespace gridbot::knowledge
