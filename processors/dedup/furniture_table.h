#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow {

// Tells which lines of text are page furniture (see furniture_table).
class line_classifier {
 public:
  virtual ~line_classifier() = default;
  // For each of `line_keys`, sets furniture[i] to 1 if that line is furniture, else 0
  // (`furniture` has the size of `line_keys`). One call per article, so one lock.
  virtual void mark_furniture(std::span<const uint64_t> line_keys,
                              std::span<uint8_t> furniture) const = 0;
};

// Page furniture learned from the stream: for each line (paragraph) of text, identified by
// the hash of its tokens, in how many different stories it has appeared. A line seen in
// `min_stories` or more stories (a site's header, footer, "related" links, a byline
// template) is furniture and left out of signatures; a story's own lines, repeated by every
// copy of that story, count once. Fixed size (2^slots_log2 slots of 4 bytes: a 24-bit tag
// of the last story counted and an 8-bit count); counts are halved every 2^slots_log2
// updates, so lines that stop appearing are forgotten.
// Not thread-safe: the store that owns it locks.
class furniture_table final : public line_classifier {
 public:
  explicit furniture_table(uint32_t min_stories, uint32_t slots_log2 = 20);

  bool is_furniture(uint64_t line_key) const {
    return min_stories_ > 0 && (slots_[line_key & mask_] & 0xFF) >= min_stories_;
  }
  void mark_furniture(std::span<const uint64_t> line_keys,
                      std::span<uint8_t> furniture) const override;
  // Counts the distinct `line_keys` of one article of story `story_key`.
  void add(std::span<const uint64_t> line_keys, uint64_t story_key);
  size_t memory_bytes() const { return slots_.size() * sizeof(uint32_t); }

  // The whole table as bytes (for a persistent store's snapshot), and back: load() returns
  // false, changing nothing, when `bytes` is not a snapshot of a table of this size.
  void save(std::string& bytes) const;
  bool load(std::string_view bytes);

 private:
  std::vector<uint32_t> slots_;
  uint64_t mask_;
  uint32_t min_stories_;
  uint64_t updates_ = 0;
};

}  // namespace newsflow
