// import_org (start-up and `gridbot org import`): the stored rows streamed into the tree, the
// files' rows in their place, one transaction with the rows that changed. plan_org (the console's
// import with its preview): the same parser and tree, with the records kept for the diff.
#include "bot/knowledge/org_loader.hpp"

#include "base/common/flat_index.hpp"
#include "base/config/org_csv.hpp"

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
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
  // The files first (only those changed since their import).
  std::vector<std::string> texts(csv_files.size());
  std::map<std::string, std::string> fresh_digests;
  size_t lines = 0;
  bool ok = true;
  for (size_t f = 0; f < csv_files.size(); ++f) {
    const auto& file = csv_files[f];
    if (!read_file(file, &texts[f])) {
      errors->push_back(file + ":0: cannot read the file");
      ok = false;
      continue;
    }
    const std::string digest = digest_of(texts[f]);
    // Imported before and unchanged since: its rows are already the store's.
    if (store != nullptr && digests.count(file) && digests[file] == digest) {
      texts[f].clear();
      texts[f].shrink_to_fit();
      continue;
    }
    fresh_digests[file] = digest;
    lines += static_cast<size_t>(std::count(texts[f].begin(), texts[f].end(), '\n')) + 1;
  }
  if (!ok) return std::nullopt;

  // Their rows are kept as the rows the store would hold (one string per node rather than a
  // record of a dozen allocations), in room made once for all of them: a row never moves, so
  // the writer reads each as soon as it is published.
  std::vector<std::string> incoming;
  std::vector<int> line_of;
  std::vector<size_t> file_of;
  incoming.reserve(lines);
  line_of.reserve(lines);
  file_of.reserve(lines);
  struct Feed {
    std::mutex mu;
    std::condition_variable cv;
    size_t ready = 0;  // rows the writer may read
    bool done = false;
  } feed;
  auto publish = [&feed, &incoming](bool done) {
    {
      std::lock_guard lk(feed.mu);
      feed.ready = incoming.size();
      feed.done = feed.done || done;
    }
    feed.cv.notify_one();
  };

  // The writer upserts the rows while the files are still parsed and the tree is built (a
  // city's import is half parsing, half writing: two cores do it in about half the time); only
  // rows that differ from the stored ones are written (an unchanged row is a look-up), a later
  // row with the same id wins as it does in the tree, and it commits only once the tree is valid.
  // Every caller imports before the store serves anyone, so holding the writer meanwhile
  // delays no one.
  std::promise<bool> tree_valid;
  std::future<std::error_code> written;
  if (store != nullptr && !fresh_digests.empty()) {
    written = std::async(std::launch::async, [&, valid = tree_valid.get_future()]() mutable {
      return store->write_sync([&](store::WriteTx& tx) {
        size_t next = 0;
        for (;;) {
          size_t upto = 0;
          bool done = false;
          {
            std::unique_lock lk(feed.mu);
            feed.cv.wait(lk, [&] { return feed.ready > next || feed.done; });
            upto = feed.ready;
            done = feed.done;
          }
          for (; next < upto; ++next) tx.upsert_org_row(row_id(incoming[next]), incoming[next]);
          if (done && next == upto) break;
        }
        for (const auto& [path, digest] : fresh_digests) tx.set_org_file_digest(path, digest);
        if (!valid.get()) throw std::runtime_error("the org is not valid: nothing of it written");
      });
    });
  }
  // However this function ends, the writer learns that no more rows come and whether to commit,
  // before `written` is waited for (members of a scope end in reverse order).
  struct Settle {
    std::promise<bool>& p;
    std::function<void()> end_feed;
    bool done = false;
    void operator()(bool v) {
      end_feed();
      if (!done) p.set_value(v);
      done = true;
    }
    ~Settle() { (*this)(false); }
  } settle{tree_valid, [&] { publish(true); }};

  constexpr size_t kBatch = 2048;  // rows per hand-over to the writer
  for (size_t f = 0; f < csv_files.size(); ++f) {
    if (!fresh_digests.count(csv_files[f])) continue;
    if (!config::for_each_org_record(
            csv_files[f], texts[f],
            [&](const OrgRecord& r) {
              incoming.push_back(config::format_org_row(r));
              line_of.push_back(r.source_line);
              file_of.push_back(f);
              if (incoming.size() % kBatch == 0) publish(false);
            },
            errors)) {
      ok = false;
      continue;
    }
    std::string().swap(texts[f]);
  }
  if (!ok) return std::nullopt;
  publish(true);

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
