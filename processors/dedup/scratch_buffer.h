#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>

namespace newsflow {

// A reusable array of plain values for per-article scratch work: reset(n) makes room for n
// values without initializing them (std::vector would zero-fill what it grows into, and its
// push_back reloads its end pointer around every store), the writer stores through data()
// and sets the count with set_size(). Grows, never shrinks.
template <class T>
class scratch_buffer {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  // Discards the contents; returns room for n values.
  T* reset(size_t n) {
    if (n > capacity_) {
      data_.reset(new T[n]);
      capacity_ = n;
    }
    size_ = 0;
    return data_.get();
  }
  void set_size(size_t n) { size_ = n; }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T operator[](size_t i) const { return data_[i]; }
  std::span<const T> span() const { return {data_.get(), size_}; }

 private:
  std::unique_ptr<T[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace newsflow
