// import_org: parse, merge, validate, then one transaction with the rows that changed.
#include "bot/knowledge/org_loader.hpp"

#include "base/common/flat_index.hpp"
#include "base/config/org_csv.hpp"

#include <fstream>

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

  // Stored rows stream into the tree in their order, each replaced by its incoming row if any;
  // only rows that differ from the stored ones are written (an unchanged re-import writes none).
  OrgTree::Builder builder;
  OrgRecord rec;
  std::string why;
  std::vector<uint32_t> changed;
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
        if (incoming[i] != row) changed.push_back(i);
        add(incoming[i], csv_files[file_of[i]]);
      });
    } catch (const store::ReadError& e) {
      errors->push_back(std::string("(store): the org rows cannot be read: ") + e.what());
      return std::nullopt;
    }
  }
  for (size_t i = 0; i < incoming.size(); ++i) {
    if (!pending[i]) continue;
    changed.push_back(static_cast<uint32_t>(i));
    add(incoming[i], csv_files[file_of[i]]);
  }
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
  if (!tree) return std::nullopt;
  if (store != nullptr && (!changed.empty() || !fresh_digests.empty())) {
    auto ec = store->write_sync([&](store::WriteTx& tx) {
      for (uint32_t i : changed) tx.upsert_org_row(row_id(incoming[i]), incoming[i]);
      for (const auto& [path, digest] : fresh_digests) tx.set_org_file_digest(path, digest);
    });
    if (ec) {
      errors->push_back("store: " + ec.message());
      return std::nullopt;
    }
  }
  return tree;
}

}  // namespace gridbot::knowledge
