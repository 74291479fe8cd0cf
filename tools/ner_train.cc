// Trains the entity tagger's model (processors/entities) from articles with gold entities.
//
//   build/tools/ner_train --train TRAIN.articles.jsonl --dev DEV.articles.jsonl
//       --language en --out models/ner-en.bin [--epochs 12] [--seed 1]   (one command line)
//       [--gazetteers models/gazetteers.tsv]   (name lists as features; needed again at run time)
//       [--clusters models/word-clusters-en.tsv]   (word clusters as features; idem)
//       [--vectors models/word-vectors.bin]   (word vectors as dense features; idem)
//       [--vector-gain 1]   (multiplies the vectors: for trying other gains before building a file)
//       [--stages 2]   (1: one tagger; 2: a second one that sees the first's labels)
//       [--ensemble 1]   (members per stage, trained with other shuffles; the model is their mean)
//       [--pa-c 1]   (passive-aggressive step cap C; 0: the perceptron's unit steps)
//       [--min-weight 0.02]   (features whose averaged weights are all smaller are left out)
//       [--quote-features on]   (off: the model learns nothing from quoted stretches)
//       [--enclosing-quotes as-given]   (include: a training entity right inside double quotes
//                                        takes them in, as the later half of CoNLL-2002 Spanish
//                                        and its dev set annotate them; its first half leaves them out)
//       [--predict DEV_PREDICTIONS.jsonl]   (the saved model's dev entities, for score.py)
//
// Input: JSON Lines of {"id", "text", "gold_entities": [{"start", "end", "type"}]} with
// code point offsets into `text`, end exclusive (the *.articles.jsonl files of
// ../shared/data/ner; their README has the licences). Types outside PER ORG LOC MISC are
// skipped.
//
// Learning: an averaged online linear model over the tagger's own tokens, features and
// greedy decoding (processors/entities: what is trained is exactly what runs). A wrong label
// moves the weights by a passive-aggressive step (PA-I, Crammer et al. 2006): just far enough
// that the gold label beats the predicted one by a margin of 1, at most C; with C = 0, the
// perceptron's unit step (Collins 2002). The steps matter: PA gave dev F1 +1.6 (en),
// +3.7 (es) over unit steps with the same features. After each epoch the averaged weights,
// pruned as they will be saved (--min-weight), tag the dev set; the epoch with the best
// strict span F1 is kept (early stopping). With two stages, the second is trained the same
// way on features that include the first stage's labels (jackknifed on the training set).
// Prints per epoch: training mistakes, features (kept), dev precision / recall / F1.
// Deterministic for a given --seed.
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "processors/entities/gazetteer.h"
#include "processors/entities/ner_feature_keys.h"
#include "processors/entities/ner_features.h"
#include "processors/entities/ner_labels.h"
#include "processors/entities/ner_model.h"
#include "processors/entities/ner_tagger.h"
#include "processors/entities/ner_tokenizer.h"

namespace newsflow {
namespace {

struct document {
  std::string id;
  std::string text;
  std::vector<ner_token> tokens;
  ner_document_features features;  // stage 1
  ner_document_features second;    // stage 2 (from stage-1 labels)
  std::vector<uint8_t> gold;      // per token
  std::vector<ner_span> entities;  // gold, in bytes
};

// Code point offset -> byte offset of a UTF-8 string (size()+1 entries).
std::vector<uint32_t> byte_offsets(std::string_view s) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  out.push_back(static_cast<uint32_t>(s.size()));
  return out;
}

struct load_stats {
  size_t documents = 0, tokens = 0, entities = 0, misaligned = 0, quotes_taken_in = 0;
};

// Whether an entity the text encloses in double quotes ("La Obrera") includes them: as the
// file has it, or always (--enclosing-quotes include).
enum class enclosing_quotes { as_given, include };

// Entity [begin, end) (bytes) widened to the double quotes right around it, if both are there.
bool take_in_quotes(std::string_view text, ner_span& e) {
  if (e.begin == 0 || e.end >= text.size() || text[e.begin - 1] != '"' || text[e.end] != '"') return false;
  --e.begin;
  ++e.end;
  return true;
}

std::vector<document> load(const std::string& path, const gazetteer* names, const word_clusters* clusters,
                           const word_vectors* vectors, enclosing_quotes quotes, bool quote_features,
                           load_stats& stats) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) {
    std::fprintf(stderr, "ner_train: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<document> docs;
  ner_feature_extractor extractor(names, clusters, vectors);
  if (!quote_features) extractor.without_quote_features();
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(json).get(stream)) std::exit(2);
  for (auto item : stream) {
    simdjson::ondemand::object obj;
    if (item.get_object().get(obj)) {
      std::fprintf(stderr, "ner_train: %s: a line is not a JSON object\n", path.c_str());
      std::exit(2);
    }
    document d;
    std::string_view text, id;
    if (obj["id"].get_string().get(id)) std::exit(2);
    d.id = std::string(id);
    if (obj["text"].get_string().get(text)) std::exit(2);
    d.text = std::string(text);
    const auto bytes = byte_offsets(d.text);
    simdjson::ondemand::array entities;
    if (obj["gold_entities"].get_array().get(entities)) std::exit(2);
    for (auto e : entities) {
      int64_t start = 0, end = 0;
      std::string_view type;
      if (e["start"].get_int64().get(start) || e["end"].get_int64().get(end) ||
          e["type"].get_string().get(type))
        std::exit(2);
      const auto t = entity_type_index(type);
      if (!t || start < 0 || end <= start || static_cast<size_t>(end) >= bytes.size()) continue;
      d.entities.push_back({bytes[static_cast<size_t>(start)], bytes[static_cast<size_t>(end)], *t});
    }
    if (quotes == enclosing_quotes::include)
      for (ner_span& e : d.entities) stats.quotes_taken_in += take_in_quotes(d.text, e);
    tokenize_for_ner(d.text, d.tokens);
    d.gold.assign(d.tokens.size(), ner_label::outside);
    for (const ner_span& e : d.entities) {
      std::vector<size_t> inside;
      for (size_t i = 0; i < d.tokens.size(); ++i)
        if (d.tokens[i].begin < e.end && d.tokens[i].end > e.begin) inside.push_back(i);
      if (inside.empty()) continue;
      if (d.tokens[inside.front()].begin != e.begin || d.tokens[inside.back()].end != e.end)
        ++stats.misaligned;
      if (inside.size() == 1) {
        d.gold[inside[0]] = ner_label::make(e.type, ner_label::part_unit);
      } else {
        d.gold[inside.front()] = ner_label::make(e.type, ner_label::part_begin);
        for (size_t k = 1; k + 1 < inside.size(); ++k)
          d.gold[inside[k]] = ner_label::make(e.type, ner_label::part_inside);
        d.gold[inside.back()] = ner_label::make(e.type, ner_label::part_last);
      }
    }
    extractor.extract(d.text, d.tokens, d.features);
    stats.documents++;
    stats.tokens += d.tokens.size();
    stats.entities += d.entities.size();
    docs.push_back(std::move(d));
  }
  return docs;
}

// Weights of an online linear model and their average (Collins 2002), averaged lazily: each
// weight keeps the sum of its past values up to the step it last changed.
class averaged_learner {
 public:
  static constexpr uint32_t labels = ner_label::count;

  struct options {
    float pa_c = 1.0f;          // the passive-aggressive step cap (0: unit steps)
    float min_weight = 0.02f;   // features whose averaged weights are all smaller are left out
  };
  explicit averaged_learner(options o) : pa_c_(o.pa_c), min_weight_(o.min_weight) {}

  // The step of an update that moves a token from the predicted label (scored `predicted`)
  // towards the gold one (scored `gold`) by features whose values' squares sum to
  // `squared_norm` (each feature moves two weights: the gold label's and the predicted one's).
  float step(float predicted, float gold, double squared_norm) const {
    if (pa_c_ <= 0) return 1.0f;
    const double loss = std::max(0.0, double(predicted) - double(gold) + 1.0);
    return static_cast<float>(std::min<double>(pa_c_, loss / (2.0 * squared_norm)));
  }

  void add_row(uint64_t feature, float* scores) const {
    const auto it = index_.find(feature);
    if (it == index_.end()) return;
    const float* w = (averaged_ ? average_.data() : weights_.data()) + size_t{it->second} * labels;
    for (uint32_t l = 0; l < labels; ++l) scores[l] += w[l];
  }
  void update(uint64_t feature, uint8_t label, float delta) {
    auto [it, added] = index_.try_emplace(feature, static_cast<uint32_t>(index_.size()));
    if (added) {
      weights_.resize(weights_.size() + labels, 0.0f);
      totals_.resize(totals_.size() + labels, 0.0);
      stamps_.resize(stamps_.size() + labels, step_);
    }
    const size_t k = size_t{it->second} * labels + label;
    totals_[k] += static_cast<double>(step_ - stamps_[k]) * weights_[k];
    stamps_[k] = step_;
    weights_[k] += delta;
  }
  // Dense features of one slot (ner_feature::dense_offsets): components x[0..dims) times
  // their rows (a row exists once updated).
  void add_dense(size_t slot, const float* x, uint32_t dims, float* scores) const {
    const std::vector<int32_t>& rows = dense_rows_[slot];
    const float* base = averaged_ ? average_.data() : weights_.data();
    for (uint32_t d = 0; d < dims && d < rows.size(); ++d) {
      if (rows[d] < 0) continue;
      const float* w = base + size_t(rows[d]) * labels;
      for (uint32_t l = 0; l < labels; ++l) scores[l] += x[d] * w[l];
    }
  }
  void update_dense(size_t slot, const float* x, uint32_t dims, uint8_t label, float delta) {
    std::vector<int32_t>& rows = dense_rows_[slot];
    if (rows.size() < dims) rows.resize(dims, -1);
    for (uint32_t d = 0; d < dims; ++d) {
      if (x[d] == 0.0f) continue;
      const uint64_t key = ner_feature::dense_key(slot, d);
      update(key, label, delta * x[d]);
      rows[d] = static_cast<int32_t>(index_.at(key));
    }
  }
  void tick() { ++step_; }
  // Switches add_row to the averaged weights (true) or back to the current ones.
  void use_average(bool on) {
    if (on) {
      average_.resize(weights_.size());
      for (size_t k = 0; k < weights_.size(); ++k) {
        const double total = totals_[k] + static_cast<double>(step_ - stamps_[k]) * weights_[k];
        average_[k] = static_cast<float>(total / static_cast<double>(std::max<uint64_t>(step_, 1)));
      }
    }
    averaged_ = on;
  }
  // The averaged weights, leaving out features whose weights are all under min_weight: most
  // features ever updated end near 0, and a smaller table is a faster tagger (English:
  // 12.4 MB -> 4.4 MB at 0.02, dev F1 -0.1; docs/benchmarks.md).
  ner_weights averaged() const {
    std::vector<uint64_t> keys;
    std::vector<float> weights;
    for (const auto& [feature, row] : index_) {
      const float* w = average_.data() + size_t{row} * labels;
      if (std::none_of(w, w + labels, [&](float x) { return std::abs(x) >= min_weight_; })) continue;
      keys.push_back(feature);
      weights.insert(weights.end(), w, w + labels);
    }
    return ner_weights(std::move(keys), std::move(weights));
  }
  size_t features() const { return index_.size(); }

 private:
  std::unordered_map<uint64_t, uint32_t> index_;
  std::vector<float> weights_;
  std::vector<double> totals_;
  std::vector<uint64_t> stamps_;
  std::vector<float> average_;
  std::vector<int32_t> dense_rows_[ner_feature::dense_slots];  // per slot and dimension: row, -1 none yet
  uint64_t step_ = 0;
  bool averaged_ = false;
  float pa_c_;
  float min_weight_;
};

// One pass of greedy decoding with the current weights; updates on each wrong label and
// goes on with the model's own label (its history, as at run time).
const ner_document_features& features_of(const document& d, int stage) {
  return stage == 0 ? d.features : d.second;
}

size_t train_document(const document& d, int stage, averaged_learner& p, greedy_decoder& decoder) {
  size_t mistakes = 0;
  const ner_document_features& doc = features_of(d, stage);
  decoder.begin(doc, d.tokens);
  for (size_t i = 0; i < d.tokens.size(); ++i) {
    float scores[ner_label::count] = {};
    const auto features = doc.of(i);
    for (uint64_t f : features) p.add_row(f, scores);
    add_dense_scores(doc, i, p, scores);
    const auto label_features = decoder.label_features_of(i);
    for (uint64_t f : label_features) p.add_row(f, scores);
    const uint8_t best = decoder.best(scores);
    const uint8_t gold = d.gold[i];
    if (best != gold) {
      ++mistakes;
      // The token's vectors (ner_feature::dense_offsets), for the step's norm and the update.
      float x[ner_feature::dense_slots][word_vectors::max_dims];
      bool present[ner_feature::dense_slots] = {};
      double squared_norm = double(features.size() + label_features.size());
      if (doc.vectors != nullptr) {
        for (size_t s = 0; s < ner_feature::dense_slots; ++s) {
          const ptrdiff_t k = static_cast<ptrdiff_t>(i) + ner_feature::dense_offsets[s];
          if (k < 0 || k >= static_cast<ptrdiff_t>(d.tokens.size()) || doc.vector_rows[size_t(k)] < 0) continue;
          doc.vectors->values(doc.vector_rows[size_t(k)], x[s]);
          present[s] = true;
          for (uint32_t c = 0; c < doc.vectors->dims(); ++c) squared_norm += double(x[s][c]) * x[s][c];
        }
      }
      const float step = p.step(scores[best], scores[gold], squared_norm);
      for (const auto& set : {features, label_features})
        for (uint64_t f : set) {
          p.update(f, gold, step);
          p.update(f, best, -step);
        }
      for (size_t s = 0; s < ner_feature::dense_slots; ++s) {
        if (!present[s]) continue;
        p.update_dense(s, x[s], doc.vectors->dims(), gold, step);
        p.update_dense(s, x[s], doc.vectors->dims(), best, -step);
      }
    }
    p.tick();
    decoder.commit(i, best);
  }
  return mistakes;
}

struct scores {
  size_t tp = 0, predicted = 0, gold = 0;
  double precision() const { return predicted ? 100.0 * tp / predicted : 0; }
  double recall() const { return gold ? 100.0 * tp / gold : 0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

template <class Weights>
scores evaluate(const std::vector<document>& docs, int stage, const Weights& w) {
  scores s;
  std::vector<uint8_t> labels;
  std::vector<ner_span> spans;
  greedy_decoder decoder;
  for (const document& d : docs) {
    greedy_decode(features_of(d, stage), d.tokens, w, decoder, labels);
    labels_to_spans(d.tokens, labels, spans);
    s.predicted += spans.size();
    s.gold += d.entities.size();
    for (const ner_span& p : spans)
      for (const ner_span& g : d.entities)
        if (p.begin == g.begin && p.end == g.end && p.type == g.type) {
          ++s.tp;
          break;
        }
  }
  return s;
}

// {"id", "entities": [{"start", "end", "type"}]} per document, code point offsets: the
// saved model through ner_tagger, as the processor runs it.
void write_predictions(const std::vector<document>& docs, const ner_model& model, const gazetteer* names,
                       const word_clusters* clusters, const word_vectors* vectors, const std::string& path) {
  FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) std::exit(1);
  std::vector<ner_span> spans;
  ner_tagger tagger(model, names, clusters, vectors);
  for (const document& d : docs) {
    tagger.tag(d.text, spans);
    const auto cp = [&](uint32_t byte) {
      size_t n = 0;
      for (uint32_t i = 0; i < byte; ++i) n += (static_cast<unsigned char>(d.text[i]) & 0xC0) != 0x80;
      return n;
    };
    std::fprintf(out, "{\"id\":\"%s\",\"entities\":[", d.id.c_str());
    for (size_t k = 0; k < spans.size(); ++k)
      std::fprintf(out, "%s{\"start\":%zu,\"end\":%zu,\"type\":\"%s\"}", k ? "," : "", cp(spans[k].begin),
                   cp(spans[k].end), std::string(entity_types[spans[k].type]).c_str());
    std::fprintf(out, "]}\n");
  }
  std::fclose(out);
}

// Trains `stage` on all of `train` for up to `epochs`, keeping the averaged weights of the
// epoch with the best dev F1.
ner_weights train_stage(const std::vector<document>& train, const std::vector<document>& dev, int stage,
                        int epochs, uint32_t seed, averaged_learner::options learning, int& best_epoch,
                        double& best_f1) {
  averaged_learner p(learning);
  std::vector<size_t> order(train.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(seed);
  best_f1 = -1;
  std::optional<ner_weights> best;
  greedy_decoder decoder;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    std::shuffle(order.begin(), order.end(), rng);
    p.use_average(false);
    size_t mistakes = 0;
    for (size_t k : order) mistakes += train_document(train[k], stage, p, decoder);
    p.use_average(true);
    // Scored as it would be saved: averaged and pruned (--min-weight).
    ner_weights averaged = p.averaged();
    const scores s = evaluate(dev, stage, averaged);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("stage %d epoch %2d: %6zu training mistakes, %zu features (%zu kept); "
                "dev P %.2f R %.2f F1 %.2f (%.1f s)\n",
                stage + 1, epoch, mistakes, p.features(), averaged.keys().size(), s.precision(), s.recall(), s.f1(),
                seconds);
    std::fflush(stdout);
    if (s.f1() > best_f1) {
      best_f1 = s.f1();
      best_epoch = epoch;
      best = std::move(averaged);
    }
  }
  return std::move(*best);
}

// Stage 1 on the documents `in` for a fixed number of epochs (jackknife folds).
averaged_learner train_fixed(const std::vector<document>& docs, std::vector<size_t> in, int epochs, uint32_t seed,
                             averaged_learner::options learning) {
  averaged_learner p(learning);
  std::mt19937 rng(seed);
  greedy_decoder decoder;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    std::shuffle(in.begin(), in.end(), rng);
    for (size_t k : in) train_document(docs[k], 0, p, decoder);
  }
  p.use_average(true);
  return p;
}

// `members` runs of train_stage with different shuffling seeds, averaged. best_epoch is
// the members' mean (the jackknife trains that long); best_f1 is the ensemble's on dev.
ner_weights train_stage_ensemble(const std::vector<document>& train, const std::vector<document>& dev, int stage,
                                 int epochs, uint32_t seed, int members, averaged_learner::options learning,
                                 int& best_epoch, double& best_f1) {
  std::vector<ner_weights> trained;
  int epoch_sum = 0;
  for (int m = 0; m < members; ++m) {
    int epoch = 0;
    trained.push_back(
        train_stage(train, dev, stage, epochs, seed + 1000 * static_cast<uint32_t>(m), learning, epoch, best_f1));
    epoch_sum += epoch;
  }
  best_epoch = (epoch_sum + members / 2) / members;
  if (members == 1) return std::move(trained.front());
  ner_weights mean = mean_of(trained);
  best_f1 = evaluate(dev, stage, mean).f1();
  std::printf("stage %d: mean of %d members: dev F1 %.2f\n", stage + 1, members, best_f1);
  return mean;
}

// Loads a resource file (T::load) into `out` when a path is given; false, said on stderr, if
// it cannot be read.
template <class T>
bool load_optional(const std::string& path, std::optional<T>& out) {
  if (path.empty()) return true;
  auto loaded = T::load(path);
  if (!loaded) {
    std::fprintf(stderr, "ner_train: %s\n", loaded.error().c_str());
    return false;
  }
  out = std::move(*loaded);
  return true;
}

int run(int argc, char** argv) {
  std::string train_path, dev_path, out_path, language, predict_path, gazetteer_path, clusters_path, vectors_path;
  float vector_gain = 1.0f;
  averaged_learner::options learning;
  int epochs = 12;
  int stage_count = 2;
  int members = 1;
  uint32_t seed = 1;
  enclosing_quotes quotes = enclosing_quotes::as_given;
  bool quote_features = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--train") train_path = value;
    else if (flag == "--dev") dev_path = value;
    else if (flag == "--out") out_path = value;
    else if (flag == "--language") language = value;
    else if (flag == "--epochs") epochs = std::atoi(value.c_str());
    else if (flag == "--seed") seed = static_cast<uint32_t>(std::atoi(value.c_str()));
    else if (flag == "--predict") predict_path = value;
    else if (flag == "--gazetteers") gazetteer_path = value;
    else if (flag == "--clusters") clusters_path = value;
    else if (flag == "--vectors") vectors_path = value;
    else if (flag == "--vector-gain") vector_gain = std::strtof(value.c_str(), nullptr);
    else if (flag == "--stages") stage_count = std::atoi(value.c_str());
    else if (flag == "--ensemble") members = std::max(1, std::atoi(value.c_str()));
    else if (flag == "--pa-c") learning.pa_c = std::max(0.0f, std::strtof(value.c_str(), nullptr));
    else if (flag == "--quote-features") {
      if (value != "on" && value != "off") {
        std::fprintf(stderr, "ner_train: --quote-features takes on or off, not %s\n", value.c_str());
        return 2;
      }
      quote_features = value == "on";
    } else if (flag == "--enclosing-quotes") {
      if (value != "include" && value != "as-given") {
        std::fprintf(stderr, "ner_train: --enclosing-quotes takes include or as-given, not %s\n", value.c_str());
        return 2;
      }
      quotes = value == "include" ? enclosing_quotes::include : enclosing_quotes::as_given;
    }
    else if (flag == "--min-weight") learning.min_weight = std::max(0.0f, std::strtof(value.c_str(), nullptr));
    else {
      std::fprintf(stderr, "ner_train: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (train_path.empty() || dev_path.empty() || out_path.empty() || language.empty()) {
    std::fprintf(stderr, "usage: ner_train --train FILE --dev FILE --language CODE --out MODEL "
                         "[--epochs N] [--seed N] [--gazetteers FILE] [--clusters FILE] [--vectors FILE] "
                         "[--vector-gain G] [--stages 1|2] [--ensemble N] [--pa-c C] [--min-weight W] "
                         "[--enclosing-quotes include|as-given] [--quote-features on|off] "
                         "[--predict FILE]\n");
    return 2;
  }
  std::optional<gazetteer> names;
  std::optional<word_clusters> clusters;
  std::optional<word_vectors> vectors;
  if (!load_optional(gazetteer_path, names) || !load_optional(clusters_path, clusters) ||
      !load_optional(vectors_path, vectors))
    return 2;
  if (vectors && vector_gain != 1.0f) vectors->scale(vector_gain);
  const gazetteer* lists = names ? &*names : nullptr;
  const word_clusters* word_classes = clusters ? &*clusters : nullptr;
  const word_vectors* dense = vectors ? &*vectors : nullptr;
  const uint64_t fingerprint = resources_fingerprint(lists, word_classes, dense);
  load_stats train_stats, dev_stats;
  auto train = load(train_path, lists, word_classes, dense, quotes, quote_features, train_stats);
  auto dev = load(dev_path, lists, word_classes, dense, enclosing_quotes::as_given, quote_features, dev_stats);
  if (quotes == enclosing_quotes::include)
    std::printf("train: %zu entities widened to the quotes around them\n", train_stats.quotes_taken_in);
  std::printf("train: %zu documents, %zu tokens, %zu entities (%zu not on token boundaries)\n",
              train_stats.documents, train_stats.tokens, train_stats.entities, train_stats.misaligned);
  std::printf("dev:   %zu documents, %zu tokens, %zu entities (%zu not on token boundaries)\n",
              dev_stats.documents, dev_stats.tokens, dev_stats.entities, dev_stats.misaligned);

  // Stage 1 on the whole training set, the epoch chosen on dev.
  int best_epoch = 0;
  double best_f1 = 0;
  std::vector<ner_weights> stages;
  stages.push_back(train_stage_ensemble(train, dev, 0, epochs, seed, members, learning, best_epoch, best_f1));
  if (stage_count == 2) {
    // Stage-1 labels for the training set come from models that did not see the document
    // (5-fold jackknife, the epoch count of stage 1), so stage 2 learns how far to trust
    // labels as good as they will be on new text; dev gets the full stage-1 model's.
    constexpr size_t folds = 5;
    std::vector<uint8_t> labels;
    greedy_decoder decoder;
    for (size_t fold = 0; fold < folds; ++fold) {
      std::vector<size_t> in;
      for (size_t k = 0; k < train.size(); ++k)
        if (k % folds != fold) in.push_back(k);
      std::vector<ner_weights> fold_members;
      for (int m = 0; m < members; ++m)
        fold_members.push_back(
            train_fixed(train, in, best_epoch,
                        seed + static_cast<uint32_t>(fold) + 1000 * static_cast<uint32_t>(m), learning)
                .averaged());
      const ner_weights fold_model = mean_of(fold_members);
      for (size_t k = fold; k < train.size(); k += folds) {
        greedy_decode(train[k].features, train[k].tokens, fold_model, decoder, labels);
        second_stage_features(train[k].features, labels, train[k].second);
      }
    }
    for (document& d : dev) {
      greedy_decode(d.features, d.tokens, stages[0], decoder, labels);
      second_stage_features(d.features, labels, d.second);
    }
    int second_epoch = 0;
    stages.push_back(train_stage_ensemble(train, dev, 1, epochs, seed, members, learning, second_epoch, best_f1));
    std::printf("stage 2: epoch %d\n", second_epoch);
  }
  const ner_model model(language, fingerprint, std::move(stages));
  if (!model.save(out_path)) {
    std::fprintf(stderr, "ner_train: cannot write %s\n", out_path.c_str());
    return 1;
  }
  std::printf("saved %d stage(s) (dev F1 %.2f) to %s\n", stage_count, best_f1, out_path.c_str());
  if (!predict_path.empty()) {
    const auto saved = ner_model::load(out_path);
    if (!saved) {
      std::fprintf(stderr, "ner_train: %s\n", saved.error().c_str());
      return 1;
    }
    write_predictions(dev, *saved, lists, word_classes, dense, predict_path);
  }
  return 0;
}

}  // namespace
}  // namespace newsflow

int main(int argc, char** argv) { return newsflow::run(argc, argv); }
