// A small RFC 4180 CSV reader. Written by hand: none of the Debian packages in our dependency list
// parses CSV, and quoting plus row numbers for error messages is all we need (~80 lines).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::config {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

/// Splits `text` into rows. Handles quoted cells with commas, doubled quotes and newlines, CRLF,
/// and a UTF-8 byte-order mark. Skips blank lines and lines starting with '#'. On an unterminated
/// quote returns false and sets *error to "line N: …".
bool parse_csv(std::string_view text, std::vector<CsvRow>* rows, std::string* error);

/// As parse_csv, one row at a time: `fn` sees each row (valid only during the call), so a large
/// file is read without holding all of its rows.
bool for_each_csv_row(std::string_view text, const std::function<void(const CsvRow&)>& fn,
                      std::string* error);

/// Quotes a cell when it holds a comma, quote or newline.
std::string csv_escape(std::string_view cell);
/// As csv_escape, appended to *out.
void append_csv_cell(std::string* out, std::string_view cell);

}  // namespace gridbot::config
