// The org CSV format (docs/org-csv.md): one row per node, multi-valued cells separated by ';'.
//
//   id,parent,level,name,households,groups,heads,feeders,transformers,dept,categories
//   b5,g2,building,5栋,48,bridge:room-b5,楼栋长:bridge:wxid_zhang:张三,10kV沙河线,沙河3号台区,,
#pragma once

#include "base/model/org.hpp"

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::config {

/// The header every org CSV starts with; columns may come in any order, and the last five may be
/// left out.
inline constexpr const char* kOrgCsvHeader =
    "id,parent,level,name,households,groups,heads,feeders,transformers,dept,categories";

/// Parses an org CSV. Rows are all-or-nothing: on any bad row returns false, and *errors gets one
/// "FILE:LINE: reason" per bad row; *nodes is then untouched.
bool parse_org_csv(const std::string& file, std::string_view text, std::vector<OrgRecord>* nodes,
                   std::vector<std::string>* errors);

/// As parse_org_csv, one record at a time (`fn` sees a record that is reused for the next row), so
/// a city's file is read without holding it twice. `fn` is called only while every row so far
/// was good; on a bad row the result is false and *errors names it (earlier records were seen).
bool for_each_org_record(const std::string& file, std::string_view text,
                         const std::function<void(const OrgRecord&)>& fn,
                         std::vector<std::string>* errors);

/// One row as format_org_row writes it (the store keeps these), into *out (its storage reused).
/// On failure returns false with the reason in *why.
bool parse_org_row(std::string_view row, OrgRecord* out, std::string* why);

/// Reads a file from disk, then as parse_org_csv.
bool load_org_csv(const std::string& file, std::vector<OrgRecord>* nodes,
                  std::vector<std::string>* errors);

/// The columns of kOrgCsvHeader, in order.
inline constexpr std::array<const char*, 11> kOrgColumns{
    "id",    "parent",  "level",        "name", "households", "groups",
    "heads", "feeders", "transformers", "dept", "categories"};

/// A node's cells in kOrgColumns' order, as an org CSV row holds them (lists joined with ';',
/// heads as role:channel:user_id[:name] with the Chinese role), unescaped.
std::array<std::string, 11> org_cells(const OrgRecord& node);

/// One CSV line (no newline) for a node, in kOrgCsvHeader's column order.
std::string format_org_row(const OrgRecord& node);

/// Merges `incoming` into `existing` by id (a row with the same id replaces the old one), then
/// validates the whole tree. Used by `gridbot org import` and start-up; errors name the node.
std::optional<OrgTree> merge_org(std::vector<OrgRecord> existing, std::vector<OrgRecord> incoming,
                                 std::vector<std::string>* errors);

}  // namespace gridbot::config
