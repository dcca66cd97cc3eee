#include "bot/console/export.hpp"

#include "base/common/log.hpp"

#include <xlsxwriter.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace gridbot::console {
namespace {

std::string csv_field(const Cell& c) {
  if (const double* d = std::get_if<double>(&c)) {
    if (std::isnan(*d)) return "";
    std::ostringstream o;
    o << *d;
    return o.str();
  }
  const auto& s = std::get<std::string>(c);
  // A leading = + - @ would be a formula to a spreadsheet (CSV injection): quote it as text.
  const bool formula = !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@');
  if (!formula && s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = formula ? "\"'" : "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

std::string to_csv(const std::vector<Table>& tables) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& t : tables) {
    if (&t != &tables.front()) out += "\r\n";
    out += csv_field(t.title) + "\r\n";
    for (size_t i = 0; i < t.headers.size(); ++i) out += (i ? "," : "") + csv_field(t.headers[i]);
    out += "\r\n";
    for (const auto& r : t.rows) {
      for (size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_field(r[i]);
      out += "\r\n";
    }
  }
  return out;
}

std::string to_xlsx(const std::vector<Table>& tables) {
  // libxlsxwriter 1.1.4 writes to a file only: a private temporary one, read back and removed.
  char path[] = "/tmp/gridbot-xlsx-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    log::error("xlsx: cannot make a temporary file");
    return {};
  }
  close(fd);
  lxw_workbook* wb = workbook_new(path);
  if (wb == nullptr) {
    std::remove(path);
    log::error("xlsx: cannot start a workbook");
    return {};
  }
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.0");
  for (const auto& t : tables) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, t.title.c_str());
    if (ws == nullptr) continue;
    worksheet_set_column(ws, 0, 0, 18, nullptr);
    for (size_t c = 0; c < t.headers.size(); ++c)
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.headers[c].c_str(), bold);
    for (size_t r = 0; r < t.rows.size(); ++r)
      for (size_t c = 0; c < t.rows[r].size(); ++c) {
        const auto row = static_cast<lxw_row_t>(r + 1);
        const auto col = static_cast<lxw_col_t>(c);
        if (const double* d = std::get_if<double>(&t.rows[r][c])) {
          if (!std::isnan(*d))
            worksheet_write_number(ws, row, col, *d, std::floor(*d) == *d ? nullptr : percent);
        } else {
          worksheet_write_string(ws, row, col, std::get<std::string>(t.rows[r][c]).c_str(),
                                 nullptr);
        }
      }
  }
  const lxw_error err = workbook_close(wb);
  std::string bytes;
  if (err == LXW_NO_ERROR) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream o;
    o << in.rdbuf();
    bytes = o.str();
  } else {
    log::error("xlsx: {}", lxw_strerror(err));
  }
  std::remove(path);
  return bytes;
}

}  // namespace gridbot::console
