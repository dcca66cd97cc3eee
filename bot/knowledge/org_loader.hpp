// Where the org tree comes from: rows in the store (put there by `gridbot org import` or the
// console's import) plus the CSV files the config names, merged by id and validated as one tree.
#pragma once

#include "base/config/config.hpp"
#include "base/model/org.hpp"
#include "bot/store/store.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gridbot::knowledge {

/// One org CSV to import: a name for the errors ("FILE:LINE: reason") and its bytes.
struct OrgSource {
  std::string name;
  std::string text;
};

/// An import worked out against the stored rows, nothing written yet: the one path of
/// `gridbot org import`, start-up's `org.files` and the console's import with its preview.
struct OrgPlan {
  std::vector<OrgRecord> before;                             // the stored nodes, parsed
  std::vector<OrgRecord> incoming;                           // the sources' nodes, in file order
  OrgTree tree;                                              // the tree after the import
  std::vector<std::pair<std::string, std::string>> upserts;  // id, row: only rows that differ
  std::vector<std::string> removals;                         // ids of stored rows to delete
};

/// Which stored nodes the sources replace: a stored node for which it answers true and that no
/// source names is removed. Empty: nothing is removed (an import adds and replaces rows only).
using RemoveAbsent = std::function<bool(const OrgRecord&)>;

/// Parses every source with the org CSV parser, merges the nodes by id onto `stored_rows` (the
/// store's org_rows) less the removed ones, and validates the whole tree. nullopt with *errors
/// ("NAME:LINE: reason", "NAME:LINE: node ID: reason") when anything is wrong.
std::optional<OrgPlan> plan_org(const std::vector<std::string>& stored_rows,
                                const std::vector<OrgSource>& sources,
                                const RemoveAbsent& remove_absent,
                                std::vector<std::string>* errors);

/// Writes a plan's rows (upserts, then removals) in the caller's transaction.
void write_org_plan(const OrgPlan& plan, store::WriteTx& tx);

/// Validates `csv_files` on top of what the store holds and, when valid, writes every row of the
/// files into the store in one transaction (all or nothing). `store` may be null to validate only
/// the files. Errors are "FILE:LINE: reason" for bad rows and "FILE:LINE: node ID: reason" for
/// rows that break the tree (a missing parent, a group claimed twice).
std::optional<OrgTree> import_org(const std::vector<std::string>& csv_files, store::Store* store,
                                  std::vector<std::string>* errors);

}  // namespace gridbot::knowledge
