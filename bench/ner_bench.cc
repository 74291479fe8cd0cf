// The entity tagger's speed: tokens per second through tokenization, features, greedy
// decoding and spans (ner_tagger::tag) with the shipped English model, name lists, word
// clusters and word vectors, as the daemon runs it. Figures, not tests:
//   build/bench/ner_bench
//   NER_BENCH_ARTICLES=articles.jsonl build/bench/ner_bench   (the "text" of real articles)
//   NER_BENCH_CACHE=32768 ...   (word types the tagger's cache keeps; default the daemon's)
// Text by default: sentences written for this benchmark, shuffled into 200 different ~3 KB
// articles; its small vocabulary keeps the model's rows hot in cache, so real articles (e.g.
// bench/generate_articles.py --source ...) give the figure to size with.
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_model.h"
#include "processors/entities/ner_tagger.h"
#include "processors/entities/word_clusters.h"
#include "processors/entities/word_vectors.h"

namespace newsflow {
namespace {

// The "text" of each line of a JSON Lines file (at most 2,000 articles).
std::vector<std::string> articles_from(const char* path) {
  std::vector<std::string> out;
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) return out;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(json).get(stream)) return out;
  for (auto doc : stream) {
    std::string_view text;
    if (!doc["text"].get_string().get(text)) out.emplace_back(text);
    if (out.size() == 2000) break;
  }
  return out;
}

std::vector<std::string> articles() {
  if (const char* path = std::getenv("NER_BENCH_ARTICLES")) return articles_from(path);
  const std::vector<std::string> sentences = {
      "Speaking in Brussels, Ursula von der Leyen said talks on grain exports had made real progress.",
      "Shares of Siemens fell 2.4 percent in early trading in Frankfurt after the announcement.",
      "The agreement, worth about 35 billion euros, still needs approval from lawmakers in Madrid.",
      "Police in Sao Paulo said 41 people had been detained after protests over energy prices.",
      "Prime Minister Keir Starmer met President Emmanuel Macron at the Elysee Palace on Tuesday.",
      "The International Monetary Fund cut its forecast for global growth to 2.9 percent.",
      "Toyota Motor Corp said it would build a battery plant in North Carolina by 2027.",
      "Lionel Messi scored twice as Inter Miami beat the New York Red Bulls 3-1 on Saturday.",
      "A spokesman for the United Nations said aid convoys had reached Khartoum overnight.",
      "The Federal Reserve left interest rates unchanged, Chair Jerome Powell told reporters.",
      "Heavy rain caused flooding across northern Italy, closing roads near Bologna and Modena.",
      "Microsoft and OpenAI announced a new partnership to build data centres in Sweden.",
  };
  std::mt19937 rng(1);
  std::vector<std::string> out;
  for (int a = 0; a < 200; ++a) {
    std::string text;
    while (text.size() < 3000) {
      text += sentences[rng() % sentences.size()];
      text += rng() % 4 == 0 ? "\n" : " ";
    }
    out.push_back(std::move(text));
  }
  return out;
}

void bm_ner_tagger(benchmark::State& state) {
  const auto names = gazetteer::load(NEWSFLOW_MODELS_DIR "/gazetteers.tsv");
  const auto clusters = word_clusters::load(NEWSFLOW_MODELS_DIR "/word-clusters.tsv");
  const auto vectors = word_vectors::load(NEWSFLOW_MODELS_DIR "/word-vectors.bin");
  const auto model = ner_model::load(NEWSFLOW_MODELS_DIR "/ner-en.bin");
  if (!names || !clusters || !vectors || !model) {
    state.SkipWithError("models/ner-en.bin, gazetteers.tsv, word-clusters.tsv or word-vectors.bin missing");
    return;
  }
  ner_tagger tagger(*model, &*names, &*clusters, &*vectors, std::getenv("NER_BENCH_CACHE") ? std::stoul(std::getenv("NER_BENCH_CACHE")) : 16384);
  const auto texts = articles();
  if (texts.empty()) {
    state.SkipWithError("no articles in $NER_BENCH_ARTICLES");
    return;
  }
  std::vector<ner_span> spans;
  size_t tokens = 0, bytes = 0, next = 0;
  for (auto _ : state) {
    const std::string& text = texts[next++ % texts.size()];
    tagger.tag(text, spans);
    benchmark::DoNotOptimize(spans.data());
    tokens += tagger.tokens().size();
    bytes += text.size();
  }
  state.counters["tokens_per_s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  const auto& cache = tagger.cache();
  state.counters["word_cache_hits"] =
      static_cast<double>(cache.hits()) / static_cast<double>(std::max<size_t>(1, cache.hits() + cache.misses()));
}
BENCHMARK(bm_ner_tagger)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace newsflow

BENCHMARK_MAIN();
