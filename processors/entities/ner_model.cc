#include "processors/entities/ner_model.h"

#include "processors/entities/byte_reader.h"
#include "processors/entities/ner_feature_keys.h"

#include <fmt/format.h>

#include <algorithm>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <unordered_map>

namespace newsflow {
namespace {

constexpr char magic[8] = {'N', 'F', 'N', 'E', 'R', '0', '3', '\n'};

}  // namespace

ner_weights::ner_weights(std::vector<uint64_t> keys, std::vector<float> weights)
    : keys_(std::move(keys)), weights_(std::move(weights)) {
  size_t capacity = 16;
  while (capacity * 5 < keys_.size() * 8) capacity *= 2;
  slots_.assign(capacity, slot{0, 0});
  mask_ = capacity - 1;
  for (size_t r = 0; r < keys_.size(); ++r) {
    const uint64_t key = keys_[r] == 0 ? 1 : keys_[r];
    size_t i = key & mask_;
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask_;
    slots_[i] = slot{key, static_cast<uint32_t>(r)};
  }
  dense_.assign(ner_feature::dense_slots * dense_slot_floats, 0.0f);
  for (size_t s = 0; s < ner_feature::dense_slots; ++s)
    for (uint32_t d = 0; d < word_vectors::max_dims; ++d)
      if (const float* row = find(ner_feature::dense_key(s, d))) {
        std::copy_n(row, labels, dense_.data() + s * dense_slot_floats + d * labels);
        has_dense_ = true;
      }
}

ner_weights mean_of(std::span<const ner_weights> members) {
  std::unordered_map<uint64_t, uint32_t> row_of;
  std::vector<uint64_t> keys;
  std::vector<float> sum;
  const float share = members.empty() ? 0.0f : 1.0f / static_cast<float>(members.size());
  for (const ner_weights& m : members)
    for (size_t r = 0; r < m.keys().size(); ++r) {
      auto [it, added] = row_of.try_emplace(m.keys()[r], static_cast<uint32_t>(keys.size()));
      if (added) {
        keys.push_back(m.keys()[r]);
        sum.resize(sum.size() + ner_weights::labels, 0.0f);
      }
      float* row = sum.data() + size_t{it->second} * ner_weights::labels;
      const float* w = m.weights().data() + r * ner_weights::labels;
      for (uint32_t l = 0; l < ner_weights::labels; ++l) row[l] += w[l] * share;
    }
  return ner_weights(std::move(keys), std::move(sum));
}

ner_model::ner_model(std::string language, uint64_t gazetteer_fingerprint, std::vector<ner_weights> stages)
    : language_(std::move(language)), gazetteer_fingerprint_(gazetteer_fingerprint), stages_(std::move(stages)) {
  if (stages_.empty() || stages_.size() > max_stages)
    throw std::invalid_argument(fmt::format("an entity model has 1 to {} stages, not {}", max_stages, stages_.size()));
  for (size_t s = 0; s < stages_.size(); ++s)
    for (size_t r = 0; r < stages_[s].keys().size(); ++r)
      rows_.emplace(stages_[s].keys()[r]).first->row_plus_one[s] = static_cast<uint32_t>(r + 1);
}

size_t ner_model::features() const {
  size_t n = 0;
  for (const ner_weights& s : stages_) n += s.keys().size();
  return n;
}

std::expected<ner_model, std::string> ner_model::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  byte_reader reader(bytes);
  const auto take = [&](void* to, size_t n) { return reader.take(to, n); };
  const auto truncated = [&] { return std::unexpected(fmt::format("{} is truncated", path.string())); };
  char head[8];
  uint32_t label_count = 0, language_length = 0, stage_count = 0;
  uint64_t fingerprint = 0;
  if (!take(head, sizeof head) || std::memcmp(head, magic, 5) != 0)
    return std::unexpected(fmt::format("{} is not a newsflow entity model", path.string()));
  if (std::memcmp(head, magic, sizeof magic) != 0)
    return std::unexpected(fmt::format("{} is a model of another format version (retrain it with this "
                                       "release's tools/ner_train)", path.string()));
  if (!take(&label_count, 4) || !take(&language_length, 4)) return truncated();
  if (label_count != labels)
    return std::unexpected(fmt::format("{} has {} labels, this release {}", path.string(), label_count, labels));
  if (language_length > 16) return std::unexpected(fmt::format("{} is corrupt", path.string()));
  std::string language(language_length, '\0');
  if (!take(language.data(), language_length) || !take(&fingerprint, 8) || !take(&stage_count, 4))
    return truncated();
  if (stage_count < 1 || stage_count > 2)
    return std::unexpected(fmt::format("{} has {} stages (1 or 2 expected)", path.string(), stage_count));
  std::vector<ner_weights> stages;
  for (uint32_t s = 0; s < stage_count; ++s) {
    uint32_t feature_count = 0;
    if (!take(&feature_count, 4) || feature_count > reader.left() / sizeof(uint64_t)) return truncated();
    std::vector<uint64_t> keys(feature_count);
    std::vector<float> weights(size_t{feature_count} * labels);
    if (!take(keys.data(), keys.size() * sizeof(uint64_t)) || !take(weights.data(), weights.size() * sizeof(float)))
      return truncated();
    stages.emplace_back(std::move(keys), std::move(weights));
  }
  if (reader.left() != 0)
    return std::unexpected(fmt::format("{} has {} bytes after the model", path.string(), reader.left()));
  return ner_model(std::move(language), fingerprint, std::move(stages));
}

bool ner_model::save(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  const auto put32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  out.write(magic, sizeof magic);
  put32(labels);
  put32(static_cast<uint32_t>(language_.size()));
  out.write(language_.data(), static_cast<std::streamsize>(language_.size()));
  out.write(reinterpret_cast<const char*>(&gazetteer_fingerprint_), 8);
  put32(static_cast<uint32_t>(stages_.size()));
  for (const ner_weights& s : stages_) {
    put32(static_cast<uint32_t>(s.keys().size()));
    out.write(reinterpret_cast<const char*>(s.keys().data()),
              static_cast<std::streamsize>(s.keys().size() * sizeof(uint64_t)));
    out.write(reinterpret_cast<const char*>(s.weights().data()),
              static_cast<std::streamsize>(s.weights().size() * sizeof(float)));
  }
  return static_cast<bool>(out.flush());
}

}  // namespace newsflow
