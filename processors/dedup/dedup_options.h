#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "pipeline/config_errors.h"

namespace newsflow {

enum class dedup_policy { mark, drop, route };

// What dedup does with an article while the shared store (Redis) cannot be reached.
enum class unavailable_policy {
  unknown,  // fail open: the article goes on with status "unknown" and is not remembered
  pause,    // wait (retrying every retry_ms) until the store answers: input backs up
};

// The Redis store's connection and behaviour (docs/configuration.md, ### dedup, `redis`).
struct redis_store_options {
  // host:port, or unix:/path/to/redis.sock
  std::string address = "127.0.0.1:6379";
  std::string username;  // ACL user (Redis 6+); empty: AUTH with the password only
  std::string password;  // empty: no AUTH
  int64_t database = 0;
  // Every key starts with "{key_prefix}:"; instances that share dedup memory share it.
  std::string key_prefix = "newsflow";
  // Connecting and each round trip give up after this long.
  int64_t timeout_ms = 500;
  unavailable_policy on_unavailable = unavailable_policy::unknown;
  // After a failure, the next connection attempt waits this long (pause: the retry period).
  int64_t retry_ms = 1000;
};

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
  // Where the index lives: "embedded" (in the process: memory, or disk with state_dir) or
  // "redis" (shared by every instance pointed at the same Redis and key_prefix).
  bool redis = false;
  redis_store_options redis_options;
};

dedup_options parse_dedup_options(const YAML::Node& node, const std::string& path,
                                  config_errors& errors, YAML::Node* effective = nullptr);

}  // namespace newsflow
