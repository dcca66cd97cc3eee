// Finds building / unit / room in normalised message text (三栋二单元, 十二幢, 5号楼, 1-3-501,
// 702室).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/location.hpp"

namespace gridbot::rules {

/// The words that follow a number to make it a location part; loaded from `location.json`.
struct LocationVocab {
  std::vector<std::string> building_suffixes;                ///< 号楼 栋楼 栋 幢 座
  std::vector<std::string> unit_prefixed_building_suffixes;  ///< 号: a building only before a unit
  std::vector<std::string> unit_suffixes;                    ///< 单元
  std::vector<std::string> room_suffixes;                    ///< 室
  std::vector<std::string> floor_suffixes;  ///< 楼 层: a number before these is a floor
  std::vector<std::string>
      not_floor_words;  ///< 楼上 楼下: start with a floor suffix, name no floor
  std::vector<std::string> room_prefixes;  ///< 我是 住: a bare room number may follow (我是1402的)
  std::vector<std::string>
      room_prefix_ends;  ///< 的 , 。: what may follow such a number (not 楼 年 块: floors, years)
  /// 楼上 隔壁 我家 (whose room): a bare room number straight after one is a room (楼上1502天天…)
  /// unless one of room_owner_not_ends follows it (楼下100多米, 隔壁2019年).
  std::vector<std::string> room_owner_prefixes;
  std::vector<std::string> room_owner_not_ends;  ///< 楼 层 年 米 多 块: floors, years, amounts
  /// 门: a number with one of these straight after a building is a unit (11号楼2门, northern
  /// usage) unless the word there is one of not_unit_words (3栋2门口 is a doorway).
  std::vector<std::string> unit_after_building_suffixes;
  std::vector<std::string> not_unit_words;  ///< 门口 门前 门卫
  /// The two-part dashed form building-unit (3-2的, 2-1 楼道) counts only before one of these
  /// (spaces skipped), so that ranges (2-3天) and dates stay what they are.
  std::vector<std::string> dash_unit_ends;
  /// 有 共: a building number straight after one of these is a count (小区一共14幢, 有11栋28层).
  std::vector<std::string> building_count_prefixes;
  /// / 、 , 和: a number, one of these, then a building (11/12栋, 3、5栋, 6-11栋): the first
  /// number is a building too, and the first one named.
  std::vector<std::string> building_list_separators;
  /// 号 室: the two-part dashed form building-room (5-104号) counts only before one of these.
  std::vector<std::string> dash_room_ends;
  /// 楼: after a letter, alone or with digits, a building (A楼, A1楼1606), where after a number
  /// it is a floor; except after one of basement_letters with digits (B1楼 is a basement level).
  std::vector<std::string> letter_building_suffixes;
  std::vector<std::string> basement_letters;  ///< b (normalised): B1楼, B2楼 are floors
  /// 住户 业主 室: a letter, an optional '-', then room_min..room_max digits before one of these
  /// is a building and a room (A2203住户, C-1302室: building A, room 2203).
  std::vector<std::string> letter_room_ends;
  /// 楼房 民房 在建: after 一 and a building word (一栋在建民房), or a count of floors (一栋5层),
  /// the 一 is "a building", not building 1.
  std::vector<std::string> one_building_words;
  /// 座: after 一, a measure word whatever follows (一座桥, 一座老楼), never building 1.
  std::vector<std::string> one_counters;
  int room_min_digits = 3;
  int room_max_digits = 4;
};

/// Parses a Chinese numeral ("三", "十二", "二十一", "一百零三", "五零二") into its decimal value.
/// Returns nullopt when `text` holds anything but numeral characters or is empty.
std::optional<int> parse_chinese_numeral(std::string_view text);

/// The value of the numeral character starting at byte `at` of `text` (0-9, or 10, 20, 30, 100,
/// 1000 for 十廿卅百千), or -1; every numeral is a 3-byte UTF-8 sequence.
int numeral_at(std::string_view text, std::size_t at);

/// The number that numeral character values spell, in text order: positional when none is 10 or
/// more ({5, 0, 2}: 502), else by multipliers ({2, 10, 1}: 21; {10, 2}: 12). 0 when empty.
int numeral_total(std::span<const int> values);

/// Extracts the first building, unit and room named in a message.
///
/// Numbers are ASCII digits (after normalize()) or Chinese numerals; a number followed by a floor
/// suffix (「住18楼」, 「卡在9楼」) is a floor and never a location, while 「5号楼」 is building 5.
/// Rooms are a number with a room suffix, 3-4 digits straight after a unit or building
/// (「1栋3单元501」), the third part of the dashed form 「1-3-501」, or 3-4 ASCII digits straight
/// after a room prefix and before a room-prefix end or the end of the text (「我是1402的」,
/// 「住1402」; not 「住18楼」, 「我是2019年搬来的」), or after a room-owner word
/// (「楼上1502天天」). Units are a number with a unit suffix, or with 门 straight after a building
/// (「11号楼2门」); 「3-2的」 is building 3, unit 2, and 「5-104号」 building 5, room 104. In a
/// list of buildings (「11/12栋」, 「6-11栋」) the first is taken; a count (「一共14幢」) is none.
/// A letter is a building number too, alone or with up to 3 digits (「A座」, 「C12栋」, 「A1楼」:
/// 楼 after a letter names a building, not a floor, but 「B1楼」 is a basement), and a letter
/// before a room number is the southern shorthand for building and room (「A2203住户」).
///
/// *Thread safety*: immutable; extract() may run concurrently.
class LocationExtractor {
 public:
  explicit LocationExtractor(LocationVocab vocab);

  /// Expects text already passed through normalize().
  Location extract(std::string_view text) const { return extract(text, 0, text.size()); }

  /// The same answer, scanning less: `first_word` and `last_word` are where the first and the
  /// last location word of the text start (a building, unit-prefixed building, unit or room
  /// suffix, or '-'; classify() has them from the automaton). A location is a number right
  /// before one of them, so the scan starts at the run of number characters before
  /// `first_word` and stops after `last_word`. A room prefix (我是) counts as a location word
  /// where it ends (a bare room number starts there). Exact for valid UTF-8.
  Location extract(std::string_view text, std::size_t first_word, std::size_t last_word) const;

 private:
  struct Number {
    std::string value;    // decimal digits, or an upper-case letter and up to 3 digits (A12)
    std::size_t end = 0;  // offset just past the number
    bool ascii_digits = false;
    std::size_t letter_digits = 0;  // digits after a letter: A12 has 2
  };
  std::optional<Number> read_number(std::string_view text, std::size_t at) const;
  bool read_dashed(std::string_view text, std::size_t at, Location& loc) const;
  bool read_dashed_unit(std::string_view text, std::size_t at, Location& loc) const;
  bool read_dashed_room(std::string_view text, std::size_t at, Location& loc) const;
  bool listed_building(std::string_view text, std::size_t end) const;
  bool a_building(std::string_view text, std::size_t at, std::size_t end, std::size_t word,
                  std::size_t after) const;
  std::size_t letter_room(std::string_view text, std::size_t at, Location& loc) const;
  bool letter_building(std::string_view text, const Number& num) const;
  bool bare_room(std::string_view text, std::size_t at, std::size_t end) const;
  std::size_t read_room_after(std::string_view text, std::size_t at, Location& loc) const;
  std::size_t read_dashed_after_building(std::string_view text, std::size_t at,
                                         Location& loc) const;
  std::size_t read_room_after_unit(std::string_view text, std::size_t at, Location& loc) const;

  LocationVocab vocab_;
};

}  // namespace gridbot::rules
