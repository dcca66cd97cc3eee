// model.bin: the compiled n-gram model (NgramModel) as a flat file beside model.json, made at
// build time, so that a start reads two arrays instead of parsing ~100,000 JSON numbers.
//
// Written by hand: the file is NgramModel's own arrays as they sit in memory (slots, rows, bias),
// so a serialisation library would add a copy and a dependency and nothing to check.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ngram_model.hpp"

namespace gridbot::rules {

struct CategoryInfo;

/// The compact model's file name, beside model.json in a rules folder.
inline constexpr const char* kCompactModelFile = "model.bin";

/// The bytes of model.bin for `model`, compiled by build_model() from `json_text` (the bytes of
/// model.json) for the rule set whose categories are `categories`. The file records what it was
/// compiled from (model.json's size and hash, the category codes, this build's layout and n-gram
/// hash), so that read_compact_model() can tell a stale one.
std::string compact_model_bytes(const NgramModel& model,
                                const std::vector<CategoryInfo>& categories,
                                std::string_view json_text);

/// Reads the model.bin at `path` when it was compiled from `json_text` for `categories` by a
/// build with this layout; the result equals what build_model() makes from the JSON, array for
/// array. Otherwise returns null and sets `why` to the reason (missing, compiled from another
/// model.json, for other categories or by another build, damaged): the caller parses model.json.
std::shared_ptr<const NgramModel> read_compact_model(const std::string& path,
                                                     std::string_view json_text,
                                                     const std::vector<CategoryInfo>& categories,
                                                     std::string* why);

}  // namespace gridbot::rules
