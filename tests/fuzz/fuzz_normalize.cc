// Normalization, HTML extraction included: the bytes become the `html` (first byte odd) or
// `text` member of an article, JSON-escaped, invalid UTF-8 repaired by the decoder.
#include "tests/fuzz/fuzz_chain_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsflow;
  static metrics_registry metrics;
  static auto c = fuzz::build("[{type: normalize, max_bytes: 65536}]", metrics);
  static article_decoder decoder(decoder_options{.repair_invalid_utf8 = true});
  if (size == 0) return 0;
  const std::string message = fuzz::message_with((data[0] & 1) ? "html" : "text",
                                                  std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  fuzz::run_one(message, decoder, *c);
  return 0;
}
