#include "connectors/file/jsonl_sink.h"

#include "connectors/file/error_record.h"

namespace newsflow {

jsonl_sink::jsonl_sink(std::FILE* output, std::FILE* errors, std::FILE* routed)
    : output_(output), errors_(errors), routed_(routed) {}

void jsonl_sink::deliver(const result_view& result) {
  switch (result.kind) {
    case outcome::published: {
      std::FILE* f = (!result.route.empty() && routed_) ? routed_ : output_;
      if (std::fwrite(result.output.data(), 1, result.output.size(), f) != result.output.size() ||
          std::fputc('\n', f) == EOF)
        write_failed_ = true;
      bytes_written_ += result.output.size() + 1;
      break;
    }
    case outcome::dropped:
      break;
    case outcome::rejected: {
      scratch_.clear();
      append_error_record(scratch_, result.record, *result.error);
      scratch_ += '\n';
      if (std::fwrite(scratch_.data(), 1, scratch_.size(), errors_) != scratch_.size())
        write_failed_ = true;
      break;
    }
  }
}

bool jsonl_sink::flush() {
  for (std::FILE* f : {output_, errors_, routed_})
    if (f && std::fflush(f) != 0) write_failed_ = true;
  return !write_failed_;
}

}  // namespace newsflow
