#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "processors/entities/hashed_key_table.h"
#include "processors/entities/ner_labels.h"
#include "processors/entities/word_vectors.h"

namespace newsflow {

// One weight table: for each feature hash, one weight per label. In memory, an
// open-addressing table of hashes (at most 5/8 full) pointing at the rows, so a look-up is a
// probe or two in 12-byte slots and one row of 68 bytes.
class ner_weights {
 public:
  static constexpr uint32_t labels = ner_label::count;

  // keys[i] has weights[i * labels, (i + 1) * labels).
  ner_weights(std::vector<uint64_t> keys, std::vector<float> weights);

  // Adds the feature's row (if known) to scores[0..labels).
  void add_row(uint64_t feature, float* scores) const {
    const float* row = find(feature);
    if (row == nullptr) return;
    for (uint32_t l = 0; l < labels; ++l) scores[l] += row[l];
  }
  const float* find(uint64_t feature) const {
    if (feature == 0) feature = 1;  // 0 marks an empty slot (no feature is stored as 0)
    for (size_t i = feature & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == feature) return weights_.data() + size_t{slots_[i].row} * labels;
      if (slots_[i].key == 0) return nullptr;
    }
  }
  // Asks the processor to fetch the slot a find(feature) reads first.
  void prefetch(uint64_t feature) const { __builtin_prefetch(&slots_[(feature == 0 ? 1 : feature) & mask_]); }
  // Adds the dense features of one slot (ner_feature::dense_offsets): a word vector's
  // components x[0..dims) times their rows.
  void add_dense(size_t slot, const float* x, uint32_t dims, float* scores) const {
    if (!has_dense_) return;
    const float* w = dense_.data() + slot * dense_slot_floats;
    float sum[labels] = {};
    for (uint32_t d = 0; d < dims; ++d, w += labels)
      for (uint32_t l = 0; l < labels; ++l) sum[l] += x[d] * w[l];
    for (uint32_t l = 0; l < labels; ++l) scores[l] += sum[l];
  }
  const std::vector<uint64_t>& keys() const { return keys_; }
  const std::vector<float>& weights() const { return weights_; }

 private:
  struct slot {
    uint64_t key;
    uint32_t row;
  } __attribute__((packed));

  std::vector<uint64_t> keys_;  // in row order, as in the file
  std::vector<float> weights_;
  std::vector<slot> slots_;
  size_t mask_ = 0;
  // The dense features' rows, per slot and dimension (zeros where the model has none).
  static constexpr size_t dense_slot_floats = size_t{word_vectors::max_dims} * labels;
  std::vector<float> dense_;
  bool has_dense_ = false;
};

// The mean of several weight tables (members trained with different shuffles). The tagger
// is linear, so the mean scores every label as the mean of the members' scores would: an
// ensemble at the cost of one model.
ner_weights mean_of(std::span<const ner_weights> members);

// A trained entity tagger: one or two stages of weights (the second stage sees the first's
// labels of the whole document: see second_stage_features). Loaded once and shared
// read-only by every worker.
//
// File (little-endian): "NFNER03\n"; uint32 label count (ner_label::count); uint32 length
// and bytes of the language code; uint64 fingerprint of the gazetteer and word clusters it
// was trained with (resources_fingerprint; 0: none; the same files must be given at run
// time); uint32 stage count (1 or 2); per
// stage: uint32 feature count n, n uint64 feature hashes (distinct, non-zero), n x
// label-count float32 weights, row by row.
class ner_model {
 public:
  static constexpr uint32_t labels = ner_label::count;
  static constexpr size_t max_stages = 2;

  // Reads a model file; the error says what is wrong with it.
  static std::expected<ner_model, std::string> load(const std::filesystem::path& path);
  ner_model(std::string language, uint64_t gazetteer_fingerprint, std::vector<ner_weights> stages);
  // Writes the model file; false (errno set) if it cannot.
  bool save(const std::filesystem::path& path) const;

  const std::vector<ner_weights>& stages() const { return stages_; }
  // A feature's row in every stage (rows[s] null where stage s lacks it), found with one
  // probe: the tagger looks most features up in both stages, and the stages' tables are
  // each larger than the processor's caches, so one table of all keys halves the probes.
  void find_in_stages(uint64_t feature, const float* rows[max_stages]) const {
    const stage_rows* found = rows_.find(feature);
    for (size_t k = 0; k < stages_.size(); ++k) rows[k] = found == nullptr ? nullptr : row_in(*found, k);
  }
  // A feature's row in one stage (null: none), through the same table.
  const float* find_in_stage(uint64_t feature, size_t stage) const {
    const stage_rows* found = rows_.find(feature);
    return found == nullptr ? nullptr : row_in(*found, stage);
  }
  // Asks the processor to fetch the slot find_in_stages(feature) and find_in_stage read first.
  void prefetch(uint64_t feature) const { rows_.prefetch(feature); }
  const std::string& language() const { return language_; }
  uint64_t gazetteer_fingerprint() const { return gazetteer_fingerprint_; }
  size_t features() const;

 private:
  std::string language_;
  uint64_t gazetteer_fingerprint_ = 0;
  std::vector<ner_weights> stages_;
  // Every feature of any stage and its row in each, plus one (0: the stage lacks it).
  struct stage_rows {
    uint32_t row_plus_one[max_stages];
  };
  const float* row_in(const stage_rows& r, size_t stage) const {
    return r.row_plus_one[stage] == 0 ? nullptr
                                      : stages_[stage].weights().data() + size_t{r.row_plus_one[stage] - 1} * labels;
  }
  hashed_key_table<stage_rows> rows_;
};

}  // namespace newsflow
