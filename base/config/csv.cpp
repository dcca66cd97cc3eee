// RFC 4180 reader; see csv.hpp for why it is hand-written.
#include "base/config/csv.hpp"

#include <algorithm>

namespace gridbot::config {

bool for_each_csv_row(std::string_view text, const std::function<void(const CsvRow&)>& fn,
                      std::string* error) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t i = 0;
  int line = 1;
  CsvRow row;
  while (i < text.size()) {
    // Row start: skip blank and comment lines.
    if (text[i] == '\n' || text[i] == '\r') {
      line += text[i] == '\n' ? 1 : 0;
      ++i;
      continue;
    }
    if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    row.line = line;
    size_t n_cells = 0;
    bool row_done = false;
    while (!row_done) {
      // Cells are reused from row to row: a large file costs no allocation per cell.
      if (n_cells == row.cells.size()) row.cells.emplace_back();
      std::string& cell = row.cells[n_cells++];
      cell.clear();
      if (i < text.size() && text[i] == '"') {
        const int start_line = line;
        ++i;
        for (;;) {
          if (i >= text.size()) {
            *error = "line " + std::to_string(start_line) + ": unterminated quoted cell";
            return false;
          }
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              cell.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          cell.push_back(text[i++]);
        }
        // Anything between the closing quote and the separator is kept, as most readers do.
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          cell.push_back(text[i++]);
      } else {
        const size_t b = i;
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') ++i;
        cell.assign(text.substr(b, i - b));
      }
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') {
        ++i;
        ++line;
      }
      row_done = true;
    }
    row.cells.resize(n_cells);
    fn(row);
  }
  return true;
}

bool parse_csv(std::string_view text, std::vector<CsvRow>* rows, std::string* error) {
  return for_each_csv_row(
      text, [rows](const CsvRow& row) { rows->push_back(row); }, error);
}

void append_csv_cell(std::string* out, std::string_view cell) {
  // (A loop, not find_first_of, which costs a memchr per character.)
  if (std::none_of(cell.begin(), cell.end(),
                   [](char c) { return c == ',' || c == '"' || c == '\n' || c == '\r'; })) {
    out->append(cell);
    return;
  }
  out->push_back('"');
  for (char c : cell) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string csv_escape(std::string_view cell) {
  std::string out;
  append_csv_cell(&out, cell);
  return out;
}

}  // namespace gridbot::config
