// Where the org tree comes from: rows in the store (put there by `gridbot org import`) plus the
// CSV files the config names, merged by id and validated as one tree.
#pragma once

#include "base/config/config.hpp"
#include "base/model/org.hpp"
#include "bot/store/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gridbot::knowledge {

/// Validates `csv_files` on top of what the store holds and, when valid, writes every row of the
/// files into the store in one transaction (all or nothing). `store` may be null to validate only
/// the files. Errors are "FILE:LINE: reason" for bad rows and "FILE:LINE: node ID: reason" for
/// rows that break the tree (a missing parent, a group claimed twice).
std::optional<OrgTree> import_org(const std::vector<std::string>& csv_files, store::Store* store,
                                  std::vector<std::string>* errors);

}  // namespace gridbot::knowledge
