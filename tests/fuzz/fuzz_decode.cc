// Message decoding and encoding: any bytes as an input message, an empty chain.
#include "tests/fuzz/fuzz_chain_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsflow;
  static metrics_registry metrics;
  static auto c = fuzz::build("[]", metrics);
  static article_decoder strict(decoder_options{});
  static article_decoder repairing(decoder_options{.repair_invalid_utf8 = true});
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::run_one(bytes, strict, *c);
  fuzz::run_one(bytes, repairing, *c);
  return 0;
}
