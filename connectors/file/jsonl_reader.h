#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "pipeline/input_record.h"

namespace newsflow {

// Reads JSON Lines from a FILE*, one record per line, through a large buffer. Lines longer
// than `max_line_bytes` are not held in memory: the record keeps their first bytes and is
// marked rejected ("input.too_large"), and the rest of the line is skipped.
class jsonl_reader {
 public:
  // `stop`, if given, is checked when a read is interrupted by a signal: set, reading ends
  // (a partly read line is not returned); unset, the read is retried.
  jsonl_reader(std::FILE* in, std::string stream_name, uint64_t max_line_bytes,
               const std::atomic<bool>* stop = nullptr);

  // The next line (without its "\n" or "\r\n") into `record`; false at end of input or on a
  // read error (see failed()).
  bool next(input_record& record);

  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t lines_read() const { return line_; }
  bool failed() const { return failed_; }

  // Bytes of an over-long line kept for its error record.
  static constexpr size_t kept_prefix = 4096;

 private:
  bool fill();

  std::FILE* in_;
  const std::atomic<bool>* stop_;
  bool interrupted_ = false;
  std::string stream_;
  uint64_t max_line_bytes_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
  bool failed_ = false;
  uint64_t line_ = 0;
  uint64_t bytes_read_ = 0;
};

}  // namespace newsflow
