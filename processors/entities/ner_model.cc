#include "processors/entities/ner_model.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace newsflow {
namespace {

constexpr char magic[8] = {'N', 'F', 'N', 'E', 'R', '0', '2', '\n'};

}  // namespace

ner_model::ner_model(std::string language, uint64_t gazetteer_fingerprint, std::vector<uint64_t> keys,
                     std::vector<float> weights)
    : language_(std::move(language)),
      gazetteer_fingerprint_(gazetteer_fingerprint),
      keys_(std::move(keys)),
      weights_(std::move(weights)) {
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
}

std::expected<ner_model, std::string> ner_model::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  const auto take = [&](void* to, size_t n) {
    if (bytes.size() - pos < n) return false;
    std::memcpy(to, bytes.data() + pos, n);
    pos += n;
    return true;
  };
  char head[8];
  uint32_t label_count = 0, feature_count = 0, language_length = 0;
  if (!take(head, sizeof head) || std::memcmp(head, magic, sizeof magic) != 0)
    return std::unexpected(fmt::format("{} is not a newsflow entity model", path.string()));
  if (!take(&label_count, 4) || !take(&feature_count, 4) || !take(&language_length, 4))
    return std::unexpected(fmt::format("{} is truncated", path.string()));
  if (label_count != labels)
    return std::unexpected(fmt::format("{} has {} labels, this release {}", path.string(), label_count, labels));
  if (language_length > 16) return std::unexpected(fmt::format("{} is corrupt", path.string()));
  std::string language(language_length, '\0');
  uint64_t fingerprint = 0;
  std::vector<uint64_t> keys(feature_count);
  std::vector<float> weights(size_t{feature_count} * labels);
  if (!take(language.data(), language_length) || !take(&fingerprint, 8) || !take(keys.data(), keys.size() * sizeof(uint64_t)) ||
      !take(weights.data(), weights.size() * sizeof(float)))
    return std::unexpected(fmt::format("{} is truncated", path.string()));
  if (pos != bytes.size())
    return std::unexpected(fmt::format("{} has {} bytes after the model", path.string(), bytes.size() - pos));
  return ner_model(std::move(language), fingerprint, std::move(keys), std::move(weights));
}

bool ner_model::save(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  const uint32_t label_count = labels, feature_count = static_cast<uint32_t>(keys_.size()),
                 language_length = static_cast<uint32_t>(language_.size());
  out.write(magic, sizeof magic);
  out.write(reinterpret_cast<const char*>(&label_count), 4);
  out.write(reinterpret_cast<const char*>(&feature_count), 4);
  out.write(reinterpret_cast<const char*>(&language_length), 4);
  out.write(language_.data(), static_cast<std::streamsize>(language_.size()));
  out.write(reinterpret_cast<const char*>(&gazetteer_fingerprint_), 8);
  out.write(reinterpret_cast<const char*>(keys_.data()), static_cast<std::streamsize>(keys_.size() * sizeof(uint64_t)));
  out.write(reinterpret_cast<const char*>(weights_.data()),
            static_cast<std::streamsize>(weights_.size() * sizeof(float)));
  return static_cast<bool>(out.flush());
}

}  // namespace newsflow
