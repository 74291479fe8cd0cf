#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace newsflow {

struct record_header {
  std::string key;
  std::string value;
};

// One message as a source delivered it: the bytes plus where it came from. Sources reuse
// records, so strings keep their capacity from one message to the next.
struct input_record {
  std::string bytes;
  std::string key;
  bool has_key = false;
  std::vector<record_header> headers;
  std::string stream;      // topic, or input file name
  int32_t partition = -1;  // -1 for files
  int64_t position = 0;    // Kafka offset, or 1-based line number in a file
  int64_t timestamp_ms = -1;
  // Whatever the source needs to recognise this input when the sink reports it handled
  // (the Kafka source: which tracked partition and offset).
  uint64_t source_token = 0;
  // Set by a source that cut the message short (e.g. a line above the size limit): the
  // record is rejected with this reason instead of being decoded.
  std::string rejected_reason;
  uint64_t original_size = 0;

  void clear() {
    bytes.clear();
    key.clear();
    has_key = false;
    headers.clear();
    partition = -1;
    position = 0;
    timestamp_ms = -1;
    source_token = 0;
    rejected_reason.clear();
    original_size = 0;
  }

  // Frees buffers whose capacity grew beyond `limit` bytes (runner_options::retain_buffer_bytes).
  // Header strings need nothing: clear() destroys them.
  void release_buffers_over(size_t limit) {
    for (std::string* s : {&bytes, &key, &rejected_reason})
      if (s->capacity() > limit) std::string().swap(*s);
    if (headers.capacity() * sizeof(record_header) > limit) std::vector<record_header>().swap(headers);
  }
};

}  // namespace newsflow
