// Every processor's input path: any bytes through normalize, langid, dedup and entities with
// the shipped models (NEWSFLOW_MODELS, default the repository's models/). Input starting with
// '{' is a whole message; anything else reaches the processors as text without having to be
// valid JSON first: the first byte picks the member (text, html or title), the rest is its value.
#include "tests/fuzz/fuzz_chain_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsflow;
  static metrics_registry metrics;
  static auto c = [] {
    const char* env = std::getenv("NEWSFLOW_MODELS");
    const std::string m = env ? env : NEWSFLOW_SOURCE_DIR "/models";
    return fuzz::build("[normalize, {type: langid, model: " + m + "/lid.176.ftz}, {type: dedup, max_entries: 10000},"
                       " {type: entities, models: {en: " + m + "/ner-en.bin, es: " + m + "/ner-es.bin, nl: " + m +
                           "/ner-nl.bin}, gazetteers: " + m + "/gazetteers.tsv, word_clusters: " + m +
                           "/word-clusters.tsv, word_vectors: " + m + "/word-vectors.bin, aliases: " + m +
                           "/entity-aliases.tsv, word_cache: 1024}]",
                       metrics);
  }();
  static article_decoder decoder(decoder_options{.repair_invalid_utf8 = true});
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.empty() || bytes[0] == '{') {
    fuzz::run_one(bytes, decoder, *c);
  } else {
    static constexpr std::string_view members[] = {"text", "html", "title"};
    fuzz::run_one(fuzz::message_with(members[static_cast<unsigned char>(bytes[0]) % 3], bytes.substr(1)), decoder, *c);
  }
  return 0;
}
