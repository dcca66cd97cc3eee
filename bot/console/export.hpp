// The assessment table as CSV (RFC 4180, UTF-8 with a BOM so that Excel reads the Chinese) and
// as XLSX through libxlsxwriter (Debian's libxlsxwriter-dev: a maintained C library that writes
// real OOXML with number cells, no runtime beside zlib; docs/console.md "Export").
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace gridbot::console {

using Cell = std::variant<std::string, double>;

struct Table {
  std::string title;  // the sheet's name
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;
};

std::string to_csv(const std::vector<Table>& tables);
/// One sheet per table. Returns the file's bytes; empty when libxlsxwriter failed (logged).
std::string to_xlsx(const std::vector<Table>& tables);

}  // namespace gridbot::console
