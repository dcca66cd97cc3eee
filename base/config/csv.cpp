// RFC 4180 reader; see csv.hpp for why it is hand-written.
#include "base/config/csv.hpp"

namespace gridbot::config {

bool parse_csv(std::string_view text, std::vector<CsvRow>* rows, std::string* error) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t i = 0;
  int line = 1;
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
    CsvRow row;
    row.line = line;
    std::string cell;
    bool row_done = false;
    while (!row_done) {
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
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          cell.push_back(text[i++]);
      }
      row.cells.push_back(cell);
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
    rows->push_back(std::move(row));
  }
  return true;
}

std::string csv_escape(std::string_view cell) {
  if (cell.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace gridbot::config
