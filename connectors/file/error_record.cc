#include "connectors/file/error_record.h"

#include "connectors/file/base64.h"
#include "pipeline/json_writer.h"
#include "pipeline/utf8.h"

namespace newsflow {

void append_error_record(std::string& out, const input_record& record, const failure& why) {
  json_writer w(out);
  w.begin_object();
  w.key("reason").string(why.code);
  w.key("message").string(why.message);
  w.key("processor").string(why.processor);
  w.key("source").string(record.stream);
  w.key("line").number(record.position);
  const bool truncated = record.original_size > record.bytes.size();
  w.key("input_bytes").number(truncated ? record.original_size : record.bytes.size());
  w.key("input").string(record.bytes);
  if (truncated) w.key("input_truncated").boolean(true);
  if (!truncated && !utf8_valid(record.bytes)) {
    w.key("input_base64");
    out += '"';
    append_base64(out, record.bytes);
    out += '"';
    w.continue_container();
  }
  w.end_object();
}

}  // namespace newsflow
