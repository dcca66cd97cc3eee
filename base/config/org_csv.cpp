// Org CSV rows ↔ OrgNode, with one error per bad row naming its line.
#include "base/config/org_csv.hpp"

#include "base/common/strict_int.hpp"

#include "base/config/csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

namespace gridbot::config {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep, size_t max_parts = 0) {
  std::vector<std::string> out;
  while (true) {
    const auto p = s.find(sep);
    if (p == std::string_view::npos || (max_parts && out.size() + 1 == max_parts)) {
      out.push_back(trim(s));
      return out;
    }
    out.push_back(trim(s.substr(0, p)));
    s.remove_prefix(p + 1);
  }
}

std::vector<std::string> list_cell(const std::string& cell) {
  std::vector<std::string> out;
  if (trim(cell).empty()) return out;
  for (auto& item : split(cell, ';'))
    if (!item.empty()) out.push_back(std::move(item));
  return out;
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         id.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
             std::string::npos;
}

// Returns "" on success, else the reason.
std::string row_to_node(const std::map<std::string, std::string>& c, OrgNode& n) {
  auto get = [&](const char* k) {
    auto it = c.find(k);
    return it == c.end() ? std::string() : trim(it->second);
  };
  n.id = get("id");
  if (!valid_id(n.id)) return "id \"" + n.id + "\" must be 1-64 characters of A-Z a-z 0-9 - _ .";
  n.parent = get("parent");
  auto level = parse_level(get("level"));
  if (!level)
    return "level \"" + get("level") +
           "\" is not one of street community district grid building department";
  n.level = *level;
  n.name = get("name");
  if (n.name.empty()) return "name is empty";
  const auto hh = get("households");
  if (!hh.empty()) {
    const auto v = parse_int<int>(hh, 0);
    if (!v) return "households \"" + hh + "\" is not a whole number >= 0";
    n.households = *v;
  }
  for (const auto& g : list_cell(get("groups"))) {
    auto parts = split(g, ':', 2);
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty())
      return "group \"" + g + "\" is not channel:chat_id";
    n.groups.push_back({parts[0], parts[1]});
  }
  for (const auto& h : list_cell(get("heads"))) {
    auto parts = split(h, ':', 4);
    if (parts.size() < 3 || parts[1].empty() || parts[2].empty())
      return "head \"" + h + "\" is not role:channel:user_id[:name]";
    auto role = parse_role(parts[0]);
    if (!role) return "head \"" + h + "\": unknown role \"" + parts[0] + "\"";
    n.heads.push_back({*role, parts[1], parts[2], parts.size() > 3 ? parts[3] : std::string()});
  }
  n.feeders = list_cell(get("feeders"));
  n.transformers = list_cell(get("transformers"));
  n.dept = get("dept");
  n.categories = list_cell(get("categories"));
  if (n.level == Level::department && n.dept.empty())
    return "a department needs its short name in dept (e.g. 供电)";
  return {};
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ";") + s;
  return out;
}

}  // namespace

bool parse_org_csv(const std::string& file, std::string_view text, std::vector<OrgNode>* nodes,
                   std::vector<std::string>* errors) {
  std::vector<CsvRow> rows;
  std::string err;
  if (!parse_csv(text, &rows, &err)) {
    errors->push_back(file + ":" + err.substr(5));
    return false;
  }
  if (rows.empty()) {
    errors->push_back(file + ":1: empty file; the header is " + std::string(kOrgCsvHeader));
    return false;
  }
  const auto& header = rows.front();
  std::vector<std::string> cols;
  bool ok = true;
  for (const auto& h : header.cells) {
    const auto name = trim(h);
    bool known = false;
    for (const char* k : kOrgColumns) known = known || name == k;
    if (!known) {
      errors->push_back(file + ":" + std::to_string(header.line) + ": unknown column \"" + name +
                        "\"; the header is " + kOrgCsvHeader);
      ok = false;
    }
    cols.push_back(name);
  }
  for (const char* k : {"id", "parent", "level", "name"}) {
    if (std::find(cols.begin(), cols.end(), k) == cols.end()) {
      errors->push_back(file + ":" + std::to_string(header.line) + ": missing column \"" + k +
                        "\"");
      ok = false;
    }
  }
  if (!ok) return false;
  std::vector<OrgNode> parsed;
  std::unordered_map<std::string, int> seen;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = file + ":" + std::to_string(row.line) + ": ";
    if (row.cells.size() > cols.size()) {
      errors->push_back(where + std::to_string(row.cells.size()) + " cells but the header has " +
                        std::to_string(cols.size()));
      ok = false;
      continue;
    }
    std::map<std::string, std::string> cells;
    for (size_t i = 0; i < row.cells.size(); ++i) cells[cols[i]] = row.cells[i];
    OrgNode n;
    if (auto why = row_to_node(cells, n); !why.empty()) {
      errors->push_back(where + why);
      ok = false;
      continue;
    }
    n.source_line = row.line;
    if (auto [it, fresh] = seen.emplace(n.id, row.line); !fresh) {
      errors->push_back(where + "id " + n.id + " already defined on line " +
                        std::to_string(it->second));
      ok = false;
      continue;
    }
    parsed.push_back(std::move(n));
  }
  if (!ok) return false;
  nodes->insert(nodes->end(), std::make_move_iterator(parsed.begin()),
                std::make_move_iterator(parsed.end()));
  return true;
}

bool load_org_csv(const std::string& file, std::vector<OrgNode>* nodes,
                  std::vector<std::string>* errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors->push_back(file + ":0: cannot read the file");
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_org_csv(file, ss.str(), nodes, errors);
}

std::array<std::string, 11> org_cells(const OrgNode& n) {
  std::vector<std::string> groups, heads;
  for (const auto& g : n.groups) groups.push_back(g.channel + ":" + g.chat_id);
  for (const auto& h : n.heads)
    heads.push_back(std::string(role_label(h.role)) + ":" + h.channel + ":" + h.user_id +
                    (h.name.empty() ? "" : ":" + h.name));
  return {n.id,
          n.parent,
          to_string(n.level),
          n.name,
          std::to_string(n.households),
          join(groups),
          join(heads),
          join(n.feeders),
          join(n.transformers),
          n.dept,
          join(n.categories)};
}

std::string format_org_row(const OrgNode& n) {
  const auto cells = org_cells(n);
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + csv_escape(cells[i]);
  return line;
}

std::optional<OrgTree> merge_org(std::vector<OrgNode> existing, std::vector<OrgNode> incoming,
                                 std::vector<std::string>* errors) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < existing.size(); ++i) index[existing[i].id] = i;
  for (auto& n : incoming) {
    if (auto it = index.find(n.id); it != index.end())
      existing[it->second] = std::move(n);
    else {
      index[n.id] = existing.size();
      existing.push_back(std::move(n));
    }
  }
  return OrgTree::build(std::move(existing), errors);
}

}  // namespace gridbot::config
