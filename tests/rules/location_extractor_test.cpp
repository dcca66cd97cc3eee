// Location extraction: buildings, units, rooms, Chinese numerals, and floors that are not places.
#include "rules/location_extractor.hpp"

#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <string>

#include "rules/normalizer.hpp"

namespace gridbot::rules {
namespace {

LocationVocab test_vocab() {
  LocationVocab v;
  v.building_suffixes = {"号楼", "栋楼", "栋", "幢", "座"};
  v.unit_prefixed_building_suffixes = {"号"};
  v.unit_suffixes = {"单元"};
  v.room_suffixes = {"室"};
  v.floor_suffixes = {"楼", "层"};
  v.not_floor_words = {"楼上", "楼下"};
  v.room_prefixes = {"我是", "我家是", "我住", "住在"};
  v.room_prefix_ends = {"的", ",", "。", " ", "!", "?"};
  v.room_owner_prefixes = {"楼上", "楼下", "隔壁", "对门"};
  v.room_owner_not_ends = {"楼", "层", "年", "米", "多", "块"};
  v.unit_after_building_suffixes = {"门"};
  v.not_unit_words = {"门口", "门前"};
  v.dash_unit_ends = {"的", "楼道", "单元"};
  v.building_list_separators = {"/", "、", ",", "-", "和"};
  v.building_count_prefixes = {"有", "共"};
  v.letter_building_suffixes = {"楼"};
  v.basement_letters = {"b"};
  v.letter_room_ends = {"住户", "业主", "的业主", "户", "房"};
  return v;
}

LocationExtractor extractor() { return LocationExtractor(test_vocab()); }

Location at(std::string_view text) { return extractor().extract(normalized(text)); }
Location loc(std::string b, std::string u = "", std::string r = "") {
  return Location{std::move(b), std::move(u), std::move(r)};
}

TEST_CASE("Chinese numerals are parsed in positional and multiplier forms") {
  CHECK(parse_chinese_numeral("三") == 3);
  CHECK(parse_chinese_numeral("十") == 10);
  CHECK(parse_chinese_numeral("十二") == 12);
  CHECK(parse_chinese_numeral("二十一") == 21);
  CHECK(parse_chinese_numeral("一百零三") == 103);
  CHECK(parse_chinese_numeral("五零二") == 502);
  CHECK(parse_chinese_numeral("两") == 2);
  CHECK(parse_chinese_numeral("廿三") == 23);
  CHECK(parse_chinese_numeral("廿") == 20);
  CHECK(parse_chinese_numeral("卅一") == 31);
  CHECK_FALSE(parse_chinese_numeral("三个").has_value());
  CHECK_FALSE(parse_chinese_numeral("").has_value());
}

TEST_CASE("building and unit suffixes with Chinese numerals are normalised") {
  CHECK(at("三栋二单元楼道灯坏了") == loc("3", "2"));
  CHECK(at("十二幢两部电梯都停了") == loc("12"));
  CHECK(at("二十一栋车库顶板渗水") == loc("21"));
  CHECK(at("二十栋楼道里天天有人充电") == loc("20"));
  CHECK(at("5号楼下面那个商铺装修") == loc("5"));
  CHECK(at("七号楼大门闭门器坏了") == loc("7"));
  CHECK(at("四幢一单元对讲门铃坏了") == loc("4", "1"));
  CHECK(at("Ａ栋门口") == loc("A"));
}

TEST_CASE("rooms come from 室, from digits after a unit, and from the dashed form") {
  CHECK(at("11栋1单元603室卫生间") == loc("11", "1", "603"));
  CHECK(at("7幢2单元1502屋头水管爆了") == loc("7", "2", "1502"));
  CHECK(at("我住2栋1单元502，楼上小孩") == loc("2", "1", "502"));
  CHECK(at("@网格助手 1-3-501 燃气灶没关") == loc("1", "3", "501"));
  CHECK(at("我是3-2-801的") == loc("3", "2", "801"));
  CHECK(at("702室门口") == loc("", "", "702"));
  CHECK(at("我是9栋301的") == loc("9", "", "301"));
}

TEST_CASE("floors are not locations, even next to a building or unit") {
  CHECK(at("住18楼的洗个澡水都上不来").empty());
  CHECK(at("卡在9楼了").empty());
  CHECK(at("我们9号楼这几天水压小，住18楼的") == loc("9"));
  CHECK(at("2号楼1单元的电梯卡在12楼和13楼中间") == loc("2", "1"));
  CHECK(at("十九栋三楼阳台") == loc("19"));
  CHECK(at("1单元2楼那户养的鸡") == loc("", "1"));
  CHECK(at("一楼二楼的坚决不同意").empty());
  CHECK(at("五单元电梯按9楼都没反应") == loc("", "5"));
  CHECK(at("2单元1201楼的窗户") == loc("", "2"));
}

TEST_CASE("a room number before 楼上 / 楼下 stays a room (upstairs, not a floor)") {
  CHECK(at("5栋302楼上天天往下丢烟头") == loc("5", "", "302"));
  CHECK(at("3单元501楼下在装修") == loc("", "3", "501"));
  CHECK(at("住18楼上面").empty());
}

TEST_CASE("dates, counts, phone numbers and plates are not locations") {
  CHECK(at("截止到12月31号").empty());
  CHECK(at("电话138xxxx5678").empty());
  CHECK(at("渝A开头的车").empty());
  CHECK(at("7月12日9:00-18:00停水").empty());
  CHECK(at("七栋两家的电瓶车") == loc("7"));
}

TEST_CASE("a bare room number after 我是 / 住在 is a room, floors, years, prices, phones are not") {
  CHECK(at("我是1402的，楼上太吵了") == loc("", "", "1402"));
  CHECK(at("我住502，楼道灯坏了") == loc("", "", "502"));
  CHECK(at("住在1101") == loc("", "", "1101"));
  CHECK(at("我是3栋1402的") == loc("3", "", "1402"));
  CHECK(at("我住18楼，电梯坏了") == Location{});
  CHECK(at("住在1801楼，电梯坏了") == Location{});
  CHECK(at("我是2019年搬来的") == Location{});
  CHECK(at("我住300块一个月的房子") == Location{});
  CHECK(at("我是13812345678的机主") == Location{});
  CHECK(at("1402的楼上太吵了") == Location{});
}

TEST_CASE(
    "a bare room number after 楼上 / 隔壁 is the neighbour's room, floors and amounts are not") {
  CHECK(at("楼上1202天天往我家阳台滴水") == loc("", "", "1202"));
  CHECK(at("隔壁1502新装的空调外机") == loc("", "", "1502"));
  CHECK(at("楼上1601水管子崩了") == loc("", "", "1601"));
  CHECK(at("吵死了,对门302") == loc("", "", "302"));
  CHECK(at("楼下100多米有个坑").empty());
  CHECK(at("楼上12楼在装修").empty());
  CHECK(at("隔壁2019年就漏过").empty());
  CHECK(at("楼下500块的罚款").empty());
  CHECK(at("5栋楼上1502漏水") == loc("5", "", "1502"));
}

TEST_CASE("门 straight after a building is a unit (北方: 11号楼2门), 门口 is a doorway") {
  CHECK(at("11号楼2门的注意点") == loc("11", "2"));
  CHECK(at("8号楼3门楼道里堆了纸箱") == loc("8", "3"));
  CHECK(at("十四号楼三门垃圾道又堵了") == loc("14", "3"));
  CHECK(at("5号楼2门1201漏水") == loc("5", "2", "1201"));
  CHECK(at("3栋2门口有个坑") == loc("3"));
  CHECK(at("换了2门窗户").empty());
}

TEST_CASE("the two-part dashed form is building-unit only before a place word") {
  CHECK(at("我们3-2的几户老人") == loc("3", "2"));
  CHECK(at("2-1 楼道 好大的味") == loc("2", "1"));
  CHECK(at("等了2-3天了").empty());
  CHECK(at("2024-3-2的通知").empty());
  CHECK(at("1-3-501漏水") == loc("1", "3", "501"));
}

TEST_CASE("号 is a building only when a unit follows") {
  CHECK(at("5号2单元楼道") == loc("5", "2"));
  CHECK(at("3号那天停水").empty());
}

TEST_CASE("in a formal letter: lists of buildings, counts of buildings, building-room with 号") {
  LocationVocab v;
  v.building_suffixes = {"号楼", "栋楼", "栋", "幢", "座"};
  v.unit_suffixes = {"单元"};
  v.room_suffixes = {"室"};
  v.floor_suffixes = {"楼", "层"};
  v.dash_unit_ends = {"的", "楼道", "单元"};
  v.building_count_prefixes = {"有", "共"};
  v.building_list_separators = {"/", "、", ",", "-", "和"};
  v.dash_room_ends = {"号", "室"};
  const LocationExtractor x(v);
  const auto in = [&](std::string_view text) { return x.extract(normalized(text)); };
  CHECK(in("我们小区11/12栋的电梯经常停运") == loc("11"));
  CHECK(in("6-11栋楼下的垃圾站") == loc("6"));
  CHECK(in("3、5栋之间的路灯") == loc("3"));
  CHECK(in("3和5号楼之间的路灯") == loc("3"));
  CHECK(in("小区一共14幢楼,至今没有验收").empty());
  CHECK(in("两栋楼的住户都停水了").empty());  // 两 counts; building 2 is 二栋
  CHECK(in("两单元之间的路灯不亮,3栋2单元也是") == loc("3", "2"));
  CHECK(in("二栋3单元楼道") == loc("2", "3"));
  CHECK(in("小区有11栋已经交房,3栋2单元的下水道堵了") == loc("3", "2"));
  CHECK(in("林溪郡5-104号楼上漏水") == loc("5", "", "104"));
  CHECK(in("1-3-501漏水") == loc("1", "3", "501"));
  CHECK(in("我们3-2的几户老人") == loc("3", "2"));
  CHECK(in("等了2-3天了").empty());
  CHECK(in("2024-3-2的通知").empty());
}

TEST_CASE("lists of three buildings or with each one's 号, and the north's # for 号") {
  LocationVocab v;
  v.building_suffixes = {"号楼", "栋楼", "栋", "幢", "座", "#楼"};
  v.unit_prefixed_building_suffixes = {"号", "#"};
  v.unit_suffixes = {"单元"};
  v.room_suffixes = {"室"};
  v.floor_suffixes = {"楼", "层"};
  v.building_list_separators = {"/", "、", ",", "-", "和"};
  const LocationExtractor x(v);
  const auto in = [&](std::string_view text) { return x.extract(normalized(text)); };
  CHECK(in("11、12、13号楼私搭乱建严重") == loc("11"));
  CHECK(in("玉浓街111号、105号、99号楼私搭乱建") == loc("111"));
  CHECK(in("12月31号、1月3号都停水").empty());               // dates, no building word after them
  CHECK(in("中华城小区2＃1单元电梯故障") == loc("2", "1"));  // full-width ＃ folds to #
  CHECK(in("我是促进路186＃楼的住户") == loc("186"));
  CHECK(in("跃进河3#支流施工").empty());  // # alone, no unit after it: a river's branch
}

TEST_CASE("a letter names a building, alone or with digits, and before a room number") {
  CHECK(at("翰林名苑F9栋一单元楼道灯坏") == loc("F9", "1"));
  CHECK(at("宏远江南世家C12栋3楼的业主") == loc("C12"));
  CHECK(at("山水家园A4号楼八单元住户") == loc("A4", "8"));
  CHECK(at("锦绣江南e6号楼1单元离铁路很近") == loc("E6", "1"));
  CHECK(at("A01栋") == loc("A1"));
  // 楼 after a letter is a building, after a number a floor; B1楼 is a basement level.
  CHECK(at("建行集资楼A楼，我们的楼旁边") == loc("A"));
  CHECK(at("海岸星城A1楼1606户主") == loc("A1", "", "1606"));
  CHECK(at("商场B1楼停车场漏水").empty());
  CHECK(at("住18楼").empty());
  // Lists of letters give the first; a letter before a list of numbers is no part of it.
  CHECK(at("保升小区A，B楼体老化") == loc("A"));
  CHECK(at("远大大厦A、B座29层") == loc("A"));
  CHECK(at("盛世华都回迁楼W、V栋") == loc("W"));
  // The southern shorthand: a letter, then the room.
  CHECK(at("仙桥花园A2203住户不文明养狗") == loc("A", "", "2203"));
  CHECK(at("海信华庭c304的业主") == loc("C", "", "304"));
  CHECK(at("商业中心楼C-1302室") == loc("C", "", "1302"));
  CHECK(at("丁村T103号门前").empty());  // a house number
  // Codes and plates are no buildings; their digits are read as before.
  CHECK(at("A3区5栋") == loc("5"));
  CHECK(at("k8县一中").empty());
  CHECK(at("粤b12345堵在3栋门口") == loc("3"));
  CHECK(at("A2单元门禁") == loc("", "2"));
  CHECK(at("A5号2单元停水") == loc("A5", "2"));
}

TEST_CASE("after a building, a dashed unit-room or unit-floor-door gives the unit first") {
  CHECK(at("荷兰城小区观湖3号楼2-902室漏水") == loc("3", "2", "902"));
  CHECK(at("我是爱心家园m栋1-302的住户") == loc("M", "1", "302"));
  CHECK(at("我是泡崖一区27号楼3-1-3住户") == loc("27", "3"));
  CHECK(at("煤机厂7号楼5-2-4号") == loc("7", "5"));
  CHECK(at("新林东巷9号楼1-5住户") == loc("9", "1"));
  // Ranges of floors and shops name no unit.
  CHECK(at("星光城26栋1-4楼为黄江") == loc("26"));
  CHECK(at("商贸城A栋1-3号商铺") == loc("A"));
  CHECK(at("有11栋28-33层的住宅").empty());
}

TEST_CASE("一 before a building word is a building, not building 1, when what it is follows") {
  LocationVocab v = test_vocab();
  v.one_building_words = {"楼房", "民房", "在建", "正在", "居民楼", "厂房", "商业楼", "楼"};
  v.one_counters = {"座"};
  v.dash_room_ends = {"号", "室", "业主", "的业主"};
  const LocationExtractor x(v);
  const auto in = [&](std::string_view text) { return x.extract(normalized(text)); };
  CHECK(in("小区对面一栋民房一楼的洗车店").empty());
  CHECK(in("黄曹村的一幢正在起盖的10层楼房，旁边一栋5层楼房").empty());
  CHECK(in("违法加建一座商业楼（15号楼）") == loc("15"));
  CHECK(in("傍海小区一栋八楼超时装修") == loc("1"));
  CHECK(in("南繁公寓一栋801扰民") == loc("1", "", "801"));
  CHECK(in("一栋楼道灯坏了") == loc("1"));
  CHECK(in("在河上修一座桥，旁边3栋") == loc("3"));  // 座 after 一 is a measure word
  CHECK(in("紧邻西林路，一座老楼").empty());
  CHECK(in("1座电梯坏了") == loc("1"));
  // A dashed building-room before the owner's word.
  CHECK(in("我是田禾卢浮公馆1-2304业主") == loc("1", "", "2304"));
  CHECK(in("沁林山庄42-2501的业主") == loc("42", "", "2501"));
}

TEST_CASE("a formal letter may space a number from its word") {
  CHECK(at("被51 幢 3 单元 4 楼西侧窗户外的外立面脱落") == loc("51", "3"));
  CHECK(at("禾韵樾里小区 7 栋 3 单元 1002 室业主") == loc("7", "3", "1002"));
  CHECK(at("完成 1-6 栋外架拆除") == loc("1"));  // a list, its first building
  CHECK(at("小区共 5 栋楼").empty());            // a count
  CHECK(at("我家住 3 楼").empty());              // a floor
}

TEST_CASE("digits a board masked with * are no room, the building and unit shown stay") {
  CHECK(at("我是庆隆苑15-1-3**业主") == loc("15", "1"));
  CHECK(at("三卫家园北苑7-1-110*为出租房") == loc("7", "1"));
  CHECK(at("鸿港华庭5-1-*01群租房") == loc("5", "1"));
  CHECK(at("和谐嘉园南苑6幢2单元*01室违规隔断") == loc("6", "2"));
  CHECK(at("文渊大厦小区1幢1单元150*为群租房") == loc("1", "1"));
  CHECK(at("1-3-501漏水") == loc("1", "3", "501"));  // nothing masked: as before
}

TEST_CASE("a scan bounded by the first and the last location word finds what the full scan finds") {
  // Every message of the labelled corpus, plus texts where numbers sit around the words.
  std::vector<std::string> texts{"12月31号下午,5号2单元1502漏水",
                                 "1-3-501 和 2-4-602",
                                 "电话138xxxx5678,3栋",
                                 "三十二栋二单元五零二室",
                                 "a座b座",
                                 "住18楼,9栋302楼上",
                                 "一直漏,二单元",
                                 "3栋漏水,我是1402的",
                                 "我住502,2单元",
                                 "住在1801楼,我是2019年的",
                                 "楼上1202天天,11号楼2门",
                                 "3-2的,隔壁1502",
                                 "2024-3-2的,对门100多米",
                                 "A，B楼体老化,c-1302室",
                                 "12号院6号楼,a2203住户",
                                 "渝a12345和f9栋,b1楼",
                                 "w、v栋,e6号楼1单元",
                                 "15-1-3**的,6幢2单元*01室",
                                 "7-1-110*和1幢1单元150*",
                                 "被51 幢 3 单元 4 楼,共 5 栋",
                                 "1-6 栋, 7  栋 302 室",
                                 "3号楼2-902室,27号楼3-1-3住户",
                                 "26栋1-4楼,a栋1-3号"};
  std::ifstream in(std::string(GRIDBOT_TEST_DATA) + "/messages.tsv");
  for (std::string line; std::getline(in, line);) {
    const auto a = line.find('\t');
    if (a != std::string::npos) texts.push_back(line.substr(a + 1, line.find('\t', a + 1) - a - 1));
  }
  const LocationExtractor x = extractor();
  for (const auto& raw : texts) {
    const std::string t = normalized(raw);
    std::size_t first = std::string::npos, last = 0;
    for (const char* w : {"号楼", "栋楼", "栋", "幢", "座", "号", "单元", "室", "-"}) {
      for (std::size_t at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
        first = std::min(first, at);
        last = std::max(last, at);
      }
    }
    // The letter forms' words count only straight after a letter or a digit (as in classify()).
    for (const char* w : {"楼", "住户", "业主", "的业主", "户", "房"}) {
      for (std::size_t at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
        if (at == 0 || !std::isalnum(static_cast<unsigned char>(t[at - 1]))) continue;
        first = std::min(first, at);
        last = std::max(last, at);
      }
    }
    // A room prefix counts where it ends: a bare room number starts there.
    for (const char* w : {"我是", "我家是", "我住", "住在", "楼上", "楼下", "隔壁", "对门"}) {
      for (std::size_t at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
        first = std::min(first, at + std::string_view(w).size());
        last = std::max(last, at + std::string_view(w).size());
      }
    }
    INFO(raw);
    if (first == std::string::npos) {
      CHECK(x.extract(t).empty());
    } else {
      CHECK(x.extract(t, first, last) == x.extract(t));
    }
  }
}

}  // namespace
}  // namespace gridbot::rules
