// Normalization, HTML extraction included: the bytes become the `html` (first byte odd) or
// `text` member of an article, JSON-escaped, invalid UTF-8 repaired by the decoder.
#include "tests/fuzz/fuzz_chain_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsflow;
  static metrics_registry metrics;
  static auto c = fuzz::build("[{type: normalize, max_bytes: 65536}]", metrics);
  static article_decoder decoder(decoder_options{.repair_invalid_utf8 = true});
  if (size == 0) return 0;
  std::string message = (data[0] & 1) ? "{\"title\": \"t\", \"html\": \"" : "{\"title\": \"t\", \"text\": \"";
  for (size_t i = 1; i < size; ++i) {
    const auto ch = static_cast<unsigned char>(data[i]);
    if (ch == '"' || ch == '\\') {
      message += '\\';
      message += static_cast<char>(ch);
    } else if (ch < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", ch);
      message += esc;
    } else {
      message += static_cast<char>(ch);
    }
  }
  message += "\"}";
  fuzz::run_one(message, decoder, *c);
  return 0;
}
