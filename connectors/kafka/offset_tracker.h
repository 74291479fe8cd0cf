#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace newsflow {

// Per input partition, the lowest offset not yet fully handled. An input offset is handled
// when every output produced from it (enriched, dead-letter or duplicate record) was
// acknowledged by the broker, or when it produced nothing (dropped). Only offsets below that
// watermark may be committed: acknowledgements arrive out of order, so committing the latest
// acknowledged offset could skip one still in flight and lose it on a crash.
//
// Thread-safe: track() on the consumer thread, done() on the producer's delivery thread.
class offset_tracker {
 public:
  // A stable small number for a topic-partition, carried in each produced message's opaque.
  using partition_id = uint32_t;
  static constexpr partition_id max_partitions = 1 << 16;

  // Registers an input (offsets of one partition must come in increasing order).
  partition_id track(const std::string& topic, int32_t partition, int64_t offset);

  // Marks an input handled. Returns the new watermark (the offset to commit: next to
  // consume) if it moved, with the topic-partition it belongs to.
  struct advance {
    std::string topic;
    int32_t partition;
    int64_t next_offset;
  };
  std::optional<advance> done(partition_id id, int64_t offset);

  // Stops tracking a partition (revoked or lost); late acknowledgements for it are ignored.
  void forget(const std::string& topic, int32_t partition);

  // Where to resume a partition this instance had before: its lowest offset not handled.
  // Used when a partition comes back, so this instance never publishes an input twice even
  // if the commit on revoke did not go through. Nothing for a partition never seen.
  std::optional<int64_t> resume_offset(const std::string& topic, int32_t partition) const;

  // Inputs tracked and not yet handled, for one partition or for all.
  size_t pending(const std::string& topic, int32_t partition) const;
  size_t pending() const;

  // The Kafka partition number of an id (for the output partitioner).
  int32_t partition_number(partition_id id) const;

 private:
  struct entry {
    int64_t offset;
    bool done;
  };
  struct partition_state {
    std::string topic;
    int32_t partition = -1;
    bool active = false;
    std::deque<entry> in_flight;  // increasing offsets
    int64_t watermark = -1;       // lowest offset not handled (-1: none seen yet)
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int32_t>, partition_id> ids_;
  std::vector<partition_state> partitions_;
  size_t pending_ = 0;
};

}  // namespace newsflow
