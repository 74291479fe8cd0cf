#include "connectors/file/jsonl_reader.h"

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace newsflow {

jsonl_reader::jsonl_reader(std::FILE* in, std::string stream_name, uint64_t max_line_bytes,
                           const std::atomic<bool>* stop)
    : in_(in),
      stop_(stop),
      stream_(std::move(stream_name)),
      max_line_bytes_(max_line_bytes),
      buffer_(1 << 20) {}

bool jsonl_reader::fill() {
  if (eof_) return false;
  // read(2), not fread: on a pipe it returns what has arrived instead of waiting for a full
  // buffer, so a live feed is processed as it comes.
  for (;;) {
    const ssize_t n = ::read(fileno(in_), buffer_.data(), buffer_.size());
    pos_ = 0;
    if (n > 0) {
      len_ = static_cast<size_t>(n);
      bytes_read_ += len_;
      return true;
    }
    len_ = 0;
    if (n < 0 && errno == EINTR) {  // a signal arrived while waiting for input
      if (stop_ && stop_->load()) {
        interrupted_ = eof_ = true;
        return false;
      }
      continue;
    }
    eof_ = true;
    failed_ = n < 0;
    return false;
  }
}

bool jsonl_reader::next(input_record& record) {
  if (pos_ >= len_ && !fill()) return false;
  std::string& bytes = record.bytes;
  bytes.clear();
  uint64_t line_size = 0;
  bool too_long = false;
  for (;;) {
    if (pos_ >= len_ && !fill()) break;  // last line without a newline
    const char* start = buffer_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
    const size_t chunk = nl ? static_cast<size_t>(nl - start) : len_ - pos_;
    line_size += chunk;
    if (!too_long && line_size > max_line_bytes_) too_long = true;
    if (too_long) {
      if (bytes.size() < kept_prefix) bytes.append(start, std::min(chunk, kept_prefix - bytes.size()));
      if (bytes.size() > kept_prefix) bytes.resize(kept_prefix);
    } else {
      bytes.append(start, chunk);
    }
    pos_ += chunk;
    if (nl) {
      ++pos_;  // the newline
      break;
    }
  }
  if (interrupted_) return false;
  if (!too_long && !bytes.empty() && bytes.back() == '\r') bytes.pop_back();
  ++line_;
  record.stream = stream_;
  record.position = static_cast<int64_t>(line_);
  if (too_long) {
    record.rejected_reason = "input.too_large";
    record.original_size = line_size;
  }
  return true;
}

}  // namespace newsflow
