// The entity tagger's speed: tokens per second through tokenization, features, greedy
// decoding and spans (ner_tagger::tag) with the shipped English model and name lists.
// Figures, not tests:
//   build/bench/ner_bench
// Text: sentences written for this benchmark, shuffled into 200 different ~3 KB articles so
// the model's rows are not all hot in cache.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_model.h"
#include "processors/entities/ner_tagger.h"

namespace newsflow {
namespace {

std::vector<std::string> articles() {
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
  const auto model = ner_model::load(NEWSFLOW_MODELS_DIR "/ner-en.bin");
  if (!names || !model) {
    state.SkipWithError("models/ner-en.bin or models/gazetteers.tsv missing");
    return;
  }
  ner_tagger tagger(*model, &*names);
  const auto texts = articles();
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
}
BENCHMARK(bm_ner_tagger)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace newsflow

BENCHMARK_MAIN();
