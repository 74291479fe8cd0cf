#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "pipeline/config_errors.h"

namespace newsflow {

enum class dedup_policy { mark, drop, route };

// Options of the dedup processor, with their defaults (docs/configuration.md, ### dedup).
struct dedup_options {
  dedup_policy policy = dedup_policy::mark;
  // Entries are forgotten this long after their arrival (processor clock).
  int64_t window_hours = 168;
  // At most this many remembered articles; the oldest goes first.
  int64_t max_entries = 1'000'000;
  // Word shingle size of the MinHash signature.
  uint32_t shingle_words = 3;
  // MinHash values per signature, and how many of them serve as LSH bands (one row each).
  uint32_t num_hashes = 256;
  uint32_t bands = 16;
  // A candidate is a near duplicate when the smaller text is at least min_containment
  // contained in the other, the texts' Jaccard is at least min_jaccard, and the two sum to
  // at least min_combined (see dedup_processor.h).
  double min_containment = 0.7;
  double min_jaccard = 0.3;
  double min_combined = 1.2;
  // Template guard: a candidate is rejected when masking numbers raises the containment by
  // more than this (the shared text is a frame around other figures).
  double max_number_gap = 0.12;
  // A line (paragraph) seen in this many different stories is page furniture, left out of
  // signatures (0: off). Two stories may share a quoted sentence; four is a site's pattern.
  uint32_t furniture_stories = 4;
  // Where what dedup remembers is kept across restarts (rocksdb_dedup_store); empty: in
  // memory only, forgotten at exit. Relative to the config file's directory.
  std::string state_dir;
};

dedup_options parse_dedup_options(const YAML::Node& node, const std::string& path,
                                  config_errors& errors, YAML::Node* effective = nullptr);

}  // namespace newsflow
