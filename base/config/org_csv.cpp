// Org CSV rows ↔ OrgNode, with one error per bad row naming its line.
#include "base/config/org_csv.hpp"

#include "base/common/strict_int.hpp"

#include "base/config/csv.hpp"
#include "base/common/flat_index.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <unordered_map>

namespace gridbot::config {
namespace {

constexpr const auto& kColumns = kOrgColumns;

// (By hand, not find_first_not_of: libstdc++ calls memchr on the set once per character, which
// showed as the largest cost of reading a city's rows.)
std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// Splits on `sep` into trimmed parts; the last of `max_parts` takes the rest.
template <size_t N>
size_t split(std::string_view s, char sep, std::array<std::string_view, N>* out) {
  size_t n = 0;
  while (true) {
    const auto p = s.find(sep);
    if (p == std::string_view::npos || n + 1 == N) {
      (*out)[n++] = trim(s);
      return n;
    }
    (*out)[n++] = trim(s.substr(0, p));
    s.remove_prefix(p + 1);
  }
}

// Calls fn for each non-empty ';'-separated item.
template <typename Fn>
void for_each_item(std::string_view cell, Fn fn) {
  while (!cell.empty()) {
    const auto p = cell.find(';');
    const auto item = trim(cell.substr(0, p));
    if (!item.empty()) fn(item);
    if (p == std::string_view::npos) break;
    cell.remove_prefix(p + 1);
  }
}

void list_cell(std::string_view cell, std::vector<std::string>* out) {
  out->clear();
  for_each_item(cell, [out](std::string_view item) { out->emplace_back(item); });
}

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// The cells of one row by column (kColumns order); absent columns are empty.
using Cells = std::array<std::string_view, kColumns.size()>;
enum Col {
  kId,
  kParent,
  kLevel,
  kName,
  kHouseholds,
  kGroups,
  kHeads,
  kFeeders,
  kTransformers,
  kDept,
  kCategories
};

// Fills `n` (reusing its storage) from one row. Returns "" on success, else the reason.
std::string row_to_record(const Cells& c, OrgRecord& n) {
  n.id.assign(c[kId]);
  if (!valid_id(n.id)) return "id \"" + n.id + "\" must be 1-64 characters of A-Z a-z 0-9 - _ .";
  n.parent.assign(c[kParent]);
  auto level = parse_level(c[kLevel]);
  if (!level)
    return "level \"" + std::string(c[kLevel]) +
           "\" is not one of street community district grid building department";
  n.level = *level;
  n.name.assign(c[kName]);
  if (n.name.empty()) return "name is empty";
  n.households = 0;
  if (!c[kHouseholds].empty()) {
    const auto v = parse_int<int>(c[kHouseholds], 0);
    if (!v) return "households \"" + std::string(c[kHouseholds]) + "\" is not a whole number >= 0";
    n.households = *v;
  }
  std::string why;
  n.groups.clear();
  for_each_item(c[kGroups], [&](std::string_view g) {
    std::array<std::string_view, 2> parts;
    if (!why.empty()) return;
    if (split(g, ':', &parts) != 2 || parts[0].empty() || parts[1].empty()) {
      why = "group \"" + std::string(g) + "\" is not channel:chat_id";
      return;
    }
    n.groups.push_back({std::string(parts[0]), std::string(parts[1])});
  });
  if (!why.empty()) return why;
  n.heads.clear();
  for_each_item(c[kHeads], [&](std::string_view h) {
    std::array<std::string_view, 4> parts;
    if (!why.empty()) return;
    const size_t k = split(h, ':', &parts);
    if (k < 3 || parts[1].empty() || parts[2].empty()) {
      why = "head \"" + std::string(h) + "\" is not role:channel:user_id[:name]";
      return;
    }
    auto role = parse_role(parts[0]);
    if (!role) {
      why = "head \"" + std::string(h) + "\": unknown role \"" + std::string(parts[0]) + "\"";
      return;
    }
    n.heads.push_back({*role, std::string(parts[1]), std::string(parts[2]),
                       k > 3 ? std::string(parts[3]) : std::string()});
  });
  if (!why.empty()) return why;
  list_cell(c[kFeeders], &n.feeders);
  list_cell(c[kTransformers], &n.transformers);
  n.dept.assign(c[kDept]);
  list_cell(c[kCategories], &n.categories);
  if (n.level == Level::department && n.dept.empty())
    return "a department needs its short name in dept (e.g. 供电)";
  return {};
}

}  // namespace

bool for_each_org_record(const std::string& file, std::string_view text,
                         const std::function<void(const OrgRecord&)>& fn,
                         std::vector<std::string>* errors) {
  std::vector<int> col_of;  // cell position → column (or -1)
  bool header_seen = false, ok = true;
  OrgRecord n;
  Cells cells;
  // Ids seen so far with their lines, for "already defined on line N" (sized by the line count).
  std::vector<std::string> ids;
  std::vector<int> id_lines;
  FlatIndex seen;
  seen.reset(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::string err;
  const bool parsed = for_each_csv_row(
      text,
      [&](const CsvRow& row) {
        if (!header_seen) {
          header_seen = true;
          std::vector<std::string> names;
          for (const auto& h : row.cells) {
            const std::string name(trim(h));
            const auto k = std::find_if(kColumns.begin(), kColumns.end(),
                                        [&](const char* c) { return name == c; });
            if (k == kColumns.end()) {
              errors->push_back(file + ":" + std::to_string(row.line) + ": unknown column \"" +
                                name + "\"; the header is " + kOrgCsvHeader);
              ok = false;
            }
            col_of.push_back(k == kColumns.end() ? -1 : static_cast<int>(k - kColumns.begin()));
            names.push_back(name);
          }
          for (const char* k : {"id", "parent", "level", "name"}) {
            if (std::find(names.begin(), names.end(), k) == names.end()) {
              errors->push_back(file + ":" + std::to_string(row.line) + ": missing column \"" + k +
                                "\"");
              ok = false;
            }
          }
          return;
        }
        if (!ok && col_of.empty()) return;
        auto where = [&] { return file + ":" + std::to_string(row.line) + ": "; };
        if (row.cells.size() > col_of.size()) {
          errors->push_back(where() + std::to_string(row.cells.size()) +
                            " cells but the header has " + std::to_string(col_of.size()));
          ok = false;
          return;
        }
        cells.fill({});
        for (size_t i = 0; i < row.cells.size(); ++i)
          if (col_of[i] >= 0) cells[static_cast<size_t>(col_of[i])] = trim(row.cells[i]);
        if (auto why = row_to_record(cells, n); !why.empty()) {
          errors->push_back(where() + why);
          ok = false;
          return;
        }
        n.source_line = row.line;
        const auto same = [&](uint32_t j) { return ids[j] == n.id; };
        if (auto before = seen.find(std::hash<std::string_view>{}(n.id), same);
            before != FlatIndex::npos) {
          errors->push_back(where() + "id " + n.id + " already defined on line " +
                            std::to_string(id_lines[before]));
          ok = false;
          return;
        }
        seen.put(std::hash<std::string_view>{}(n.id), static_cast<uint32_t>(ids.size()), same);
        ids.push_back(n.id);
        id_lines.push_back(row.line);
        if (ok) fn(n);
      },
      &err);
  if (!parsed) {
    errors->push_back(file + ":" + err.substr(5));
    return false;
  }
  if (!header_seen) {
    errors->push_back(file + ":1: empty file; the header is " + std::string(kOrgCsvHeader));
    return false;
  }
  return ok;
}

bool parse_org_csv(const std::string& file, std::string_view text, std::vector<OrgRecord>* nodes,
                   std::vector<std::string>* errors) {
  std::vector<OrgRecord> parsed;
  if (!for_each_org_record(
          file, text, [&parsed](const OrgRecord& r) { parsed.push_back(r); }, errors))
    return false;
  nodes->insert(nodes->end(), std::make_move_iterator(parsed.begin()),
                std::make_move_iterator(parsed.end()));
  return true;
}

bool parse_org_row(std::string_view row, OrgRecord* out, std::string* why) {
  // Most stored rows have no quoted cell: split them in place, without the CSV reader's copies.
  if (std::none_of(row.begin(), row.end(),
                   [](char c) { return c == '"' || c == '\r' || c == '\n'; })) {
    Cells cells{};
    size_t k = 0;
    for (;;) {
      const auto p = row.find(',');
      if (k == cells.size()) {
        *why = "more than " + std::to_string(cells.size()) + " cells";
        return false;
      }
      cells[k++] = trim(row.substr(0, p));
      if (p == std::string_view::npos) break;
      row.remove_prefix(p + 1);
    }
    *why = row_to_record(cells, *out);
    out->source_line = 0;
    return why->empty();
  }
  int rows = 0;
  std::string err;
  why->clear();
  const bool parsed = for_each_csv_row(
      row,
      [&](const CsvRow& r) {
        if (++rows > 1) return;
        if (r.cells.size() > kColumns.size()) {
          *why = std::to_string(r.cells.size()) + " cells, not " + std::to_string(kColumns.size());
          return;
        }
        Cells cells{};
        for (size_t i = 0; i < r.cells.size(); ++i) cells[i] = trim(r.cells[i]);
        *why = row_to_record(cells, *out);
      },
      &err);
  if (!parsed) *why = err;
  if (why->empty() && rows != 1) *why = "not one row";
  out->source_line = 0;
  return why->empty();
}

bool load_org_csv(const std::string& file, std::vector<OrgRecord>* nodes,
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

std::array<std::string, 11> org_cells(const OrgRecord& n) {
  auto join = [](const auto& items, auto&& text) {
    std::string out;
    for (const auto& x : items) out += (out.empty() ? "" : ";") + text(x);
    return out;
  };
  auto same = [](const std::string& x) { return x; };
  return {n.id,
          n.parent,
          to_string(n.level),
          n.name,
          std::to_string(n.households),
          join(n.groups, [](const GroupRef& g) { return g.channel + ":" + g.chat_id; }),
          join(n.heads,
               [](const Head& h) {
                 return std::string(role_label(h.role)) + ":" + h.channel + ":" + h.user_id +
                        (h.name.empty() ? "" : ":" + h.name);
               }),
          join(n.feeders, same),
          join(n.transformers, same),
          n.dept,
          join(n.categories, same)};
}

std::string format_org_row(const OrgRecord& n) {
  // Written straight into one string: an import formats every row of a city's file.
  std::string line, list;
  line.reserve(160);
  bool first = true;
  auto cell = [&](std::string_view v) {
    if (!first) line.push_back(',');
    first = false;
    append_csv_cell(&line, v);
  };
  auto items = [&](const auto& v, auto&& item) {
    list.clear();
    for (const auto& x : v) {
      if (!list.empty()) list.push_back(';');
      item(x);
    }
    cell(list);
  };
  cell(n.id);
  cell(n.parent);
  cell(to_string(n.level));
  cell(n.name);
  cell(std::to_string(n.households));
  items(n.groups, [&](const GroupRef& g) { list.append(g.channel).append(":").append(g.chat_id); });
  items(n.heads, [&](const Head& h) {
    list.append(role_label(h.role)).append(":").append(h.channel).append(":").append(h.user_id);
    if (!h.name.empty()) list.append(":").append(h.name);
  });
  auto plain = [&](const std::string& x) { list.append(x); };
  items(n.feeders, plain);
  items(n.transformers, plain);
  cell(n.dept);
  items(n.categories, plain);
  return line;
}

std::optional<OrgTree> merge_org(std::vector<OrgRecord> existing, std::vector<OrgRecord> incoming,
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
  return OrgTree::build(existing, errors);
}

}  // namespace gridbot::config
