#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "pipeline/runner.h"

namespace newsflow {

// Batch-mode sink: published articles to the output file, one per line, in input order;
// rejected inputs as error records (connectors/file/error_record.h) to the errors file;
// dropped articles nowhere. Articles routed elsewhere (duplicates) go to the output too
// unless a routed file is given.
class jsonl_sink final : public record_sink {
 public:
  jsonl_sink(std::FILE* output, std::FILE* errors, std::FILE* routed = nullptr);

  void deliver(const result_view& result) override;
  void idle() override { flush(); }

  // Flushes both files; false if a write failed at any point.
  bool flush();
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  std::FILE* output_;
  std::FILE* errors_;
  std::FILE* routed_;
  std::string scratch_;
  bool write_failed_ = false;
  uint64_t bytes_written_ = 0;
};

}  // namespace newsflow
