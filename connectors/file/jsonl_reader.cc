#include "connectors/file/jsonl_reader.h"

#include <cstring>

namespace newsflow {

jsonl_reader::jsonl_reader(std::FILE* in, std::string stream_name, uint64_t max_line_bytes)
    : in_(in), stream_(std::move(stream_name)), max_line_bytes_(max_line_bytes), buffer_(1 << 20) {}

bool jsonl_reader::fill() {
  if (eof_) return false;
  len_ = std::fread(buffer_.data(), 1, buffer_.size(), in_);
  pos_ = 0;
  if (len_ == 0) {
    eof_ = true;
    failed_ = std::ferror(in_) != 0;
    return false;
  }
  bytes_read_ += len_;
  return true;
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
