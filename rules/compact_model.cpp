// model.bin: writing and reading the compiled n-gram model (layout below; docs/rules.md "The
// compact model").
#include "rules/compact_model.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <type_traits>

#include "rules/rules.hpp"

namespace gridbot::rules {
namespace {

// model.bin is the header, then the arrays of NgramModel in memory order: slots (slot_count
// Slot), rows (row_count Row), bias (heads int32), then the category codes, each followed by
// '\n'. Numbers are the machine's own (the file is made by the build that reads it).
constexpr char kMagic[8] = {'g', 'r', 'i', 'd', 'n', 'g', 'r', 'm'};
// Bumped when build_model() lays out the table differently for the same model.json; a change of
// the n-gram hash or of the Slot/Row layout is caught without it (hash_check, layout).
constexpr std::uint32_t kVersion = 3;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t layout;      // layout_word(): sizes of Slot and Row, kRowColumns, kPad
  std::uint64_t hash_check;  // hash_word(): the n-gram hash that placed the slots
  std::uint64_t json_size;   // model.json's bytes: their count and std::hash
  std::uint64_t json_hash;
  std::uint64_t digest;  // file_digest(): the rest of the header and everything after it
  std::uint64_t mask;
  std::uint64_t block;
  std::uint64_t slot_count;
  std::uint64_t row_count;
  std::uint32_t heads;
  std::uint32_t codes_bytes;  // the category codes with their '\n's
  float blend[8];  // ModelBlend's fields in declaration order, then a zero to keep 8-byte size
};
static_assert(std::is_trivially_copyable_v<Header> && sizeof(Header) == 120);
static_assert(std::is_trivially_copyable_v<NgramModel::Slot> &&
              std::is_trivially_copyable_v<NgramModel::Row>);

std::uint32_t layout_word() {
  return static_cast<std::uint32_t>(sizeof(NgramModel::Slot) | sizeof(NgramModel::Row) << 8 |
                                    kRowColumns << 16 | NgramModel::kPad << 24);
}

// Keys of each length and with a digit: another hash function places the slots elsewhere.
std::uint64_t hash_word() {
  return ngram::key_hash("停") ^ ngram::rotl(ngram::key_hash("停水"), 1) ^
         ngram::rotl(ngram::key_hash("3栋x"), 2);
}

std::uint64_t bytes_hash(const void* p, std::size_t n) {
  return std::hash<std::string_view>{}(std::string_view(static_cast<const char*>(p), n));
}

// Covers the header (but this field) and the arrays, so that no flipped bit goes unnoticed.
std::uint64_t file_digest(Header h, const NgramModel& m, std::string_view codes) {
  h.digest = 0;
  return bytes_hash(&h, sizeof h) ^
         ngram::rotl(bytes_hash(m.slots.data(), m.slots.size() * sizeof(NgramModel::Slot)), 1) ^
         ngram::rotl(bytes_hash(m.rows.data(), m.rows.size() * sizeof(NgramModel::Row)), 2) ^
         ngram::rotl(bytes_hash(m.bias.data(), m.bias.size() * sizeof(std::int32_t)), 3) ^
         ngram::rotl(bytes_hash(codes.data(), codes.size()), 4);
}

std::string codes_of(const std::vector<CategoryInfo>& categories) {
  std::string out;
  for (const auto& c : categories) out += c.code + '\n';
  return out;
}

void blend_to(const ModelBlend& b, float* out) {
  const float v[7] = {b.report, b.category,      b.tier_rule,  b.tier_default,
                      b.urgent, b.urgent_offset, b.urgent_veto};
  std::memcpy(out, v, sizeof v);
}

ModelBlend blend_from(const float* v) { return {v[0], v[1], v[2], v[3], v[4], v[5], v[6]}; }

template <class T>
bool read_array(std::ifstream& in, std::vector<T>& out, std::uint64_t count) {
  out.resize(static_cast<std::size_t>(count));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(count * sizeof(T)));
  return static_cast<bool>(in);
}

// The table's shape, so that a damaged file that slipped past the hash still cannot make a
// lookup read outside the arrays or probe forever.
bool well_formed(const NgramModel& m) {
  const std::uint64_t table = m.mask + 1;
  if ((table & m.mask) != 0 || m.slots.size() != table + NgramModel::kPad || m.rows.empty() ||
      m.block == 0) {
    return false;
  }
  std::size_t empty = 0;
  for (std::size_t i = 0; i < m.slots.size(); ++i) {
    if (m.slots[i].row() >= m.rows.size()) return false;
    if (i < table && m.slots[i].key == 0) ++empty;
  }
  for (std::size_t k = 0; k < NgramModel::kPad; ++k) {
    if (std::memcmp(&m.slots[table + k], &m.slots[k], sizeof(NgramModel::Slot)) != 0) return false;
  }
  return empty > 0;
}

}  // namespace

std::string compact_model_bytes(const NgramModel& model,
                                const std::vector<CategoryInfo>& categories,
                                std::string_view json_text) {
  const std::string codes = codes_of(categories);
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.layout = layout_word();
  h.hash_check = hash_word();
  h.json_size = json_text.size();
  h.json_hash = bytes_hash(json_text.data(), json_text.size());
  h.mask = model.mask;
  h.block = model.block;
  h.slot_count = model.slots.size();
  h.row_count = model.rows.size();
  h.heads = static_cast<std::uint32_t>(model.heads);
  h.codes_bytes = static_cast<std::uint32_t>(codes.size());
  blend_to(model.blend, h.blend);
  h.digest = file_digest(h, model, codes);
  std::string out(reinterpret_cast<const char*>(&h), sizeof h);
  out.append(reinterpret_cast<const char*>(model.slots.data()),
             model.slots.size() * sizeof(NgramModel::Slot));
  out.append(reinterpret_cast<const char*>(model.rows.data()),
             model.rows.size() * sizeof(NgramModel::Row));
  out.append(reinterpret_cast<const char*>(model.bias.data()),
             model.bias.size() * sizeof(std::int32_t));
  out += codes;
  return out;
}

std::shared_ptr<const NgramModel> read_compact_model(const std::string& path,
                                                     std::string_view json_text,
                                                     const std::vector<CategoryInfo>& categories,
                                                     std::string* why) {
  const auto fail = [why](const char* reason) -> std::shared_ptr<const NgramModel> {
    if (why != nullptr) *why = reason;
    return nullptr;
  };
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return fail("missing");
  const auto size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  Header h{};
  if (size < sizeof h || !in.read(reinterpret_cast<char*>(&h), sizeof h) ||
      std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) {
    return fail("not a compact model");
  }
  if (h.version != kVersion || h.layout != layout_word() || h.hash_check != hash_word()) {
    return fail("compiled by another version of gridbot");
  }
  if (h.json_size != json_text.size() ||
      h.json_hash != bytes_hash(json_text.data(), json_text.size())) {
    return fail("compiled from another model.json");
  }
  const std::string codes = codes_of(categories);
  if (h.heads != kColCategory + categories.size() || h.codes_bytes != codes.size()) {
    return fail("compiled for other categories");
  }
  // Bounds before any allocation: rows of NgramModel::kMaxNgrams n-grams and the "unknown" row,
  // in a table at most twice as large rounded up to a power of two (build_model()), plus kPad.
  constexpr std::uint64_t kMaxRows = NgramModel::kMaxNgrams + 1;
  if (h.slot_count > (std::uint64_t{1} << 21) + NgramModel::kPad || h.row_count > kMaxRows ||
      size != sizeof h + h.slot_count * sizeof(NgramModel::Slot) +
                  h.row_count * sizeof(NgramModel::Row) + h.heads * sizeof(std::int32_t) +
                  h.codes_bytes) {
    return fail("damaged (its size does not match its header)");
  }
  auto m = std::make_shared<NgramModel>();
  m->heads = h.heads;
  m->mask = h.mask;
  m->block = static_cast<std::size_t>(h.block);
  m->blend = blend_from(h.blend);
  std::string stored_codes(h.codes_bytes, '\0');
  if (!read_array(in, m->slots, h.slot_count) || !read_array(in, m->rows, h.row_count) ||
      !read_array(in, m->bias, h.heads) || !in.read(stored_codes.data(), h.codes_bytes)) {
    return fail("damaged (cannot be read to its end)");
  }
  if (stored_codes != codes) return fail("compiled for other categories");
  if (file_digest(h, *m, stored_codes) != h.digest || !well_formed(*m)) {
    return fail("damaged (its contents do not match their hash)");
  }
  return m;
}

}  // namespace gridbot::rules
