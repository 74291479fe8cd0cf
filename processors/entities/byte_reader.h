#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

namespace newsflow {

// Reads a binary file's fields in order (the entity model, the word vectors): each take
// copies the next n bytes, or fails without moving when fewer are left.
class byte_reader {
 public:
  explicit byte_reader(std::string_view bytes) : bytes_(bytes) {}
  bool take(void* to, size_t n) {
    if (left() < n) return false;
    std::memcpy(to, bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  size_t left() const { return bytes_.size() - pos_; }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace newsflow
