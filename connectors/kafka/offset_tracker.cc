#include "connectors/kafka/offset_tracker.h"

#include <algorithm>
#include <stdexcept>

namespace newsflow {

offset_tracker::partition_id offset_tracker::track(const std::string& topic, int32_t partition,
                                                   int64_t offset) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = ids_.try_emplace({topic, partition}, static_cast<partition_id>(partitions_.size()));
  if (inserted) {
    if (partitions_.size() >= max_partitions) throw std::logic_error("too many partitions to track");
    partitions_.push_back(partition_state{topic, partition, true, {}});
  }
  partition_state& p = partitions_[it->second];
  p.active = true;
  if (!p.in_flight.empty() && offset <= p.in_flight.back().offset) {
    // Re-delivered after a seek or reassignment: what was in flight belongs to a past
    // assignment, whose acknowledgements must not move this watermark.
    pending_ -= static_cast<size_t>(std::count_if(p.in_flight.begin(), p.in_flight.end(),
                                                  [](const entry& e) { return !e.done; }));
    p.in_flight.clear();
    p.watermark = offset;
  }
  if (p.watermark < 0 || (p.in_flight.empty() && offset < p.watermark)) p.watermark = offset;
  p.in_flight.push_back(entry{offset, false});
  ++pending_;
  return it->second;
}

std::optional<offset_tracker::advance> offset_tracker::done(partition_id id, int64_t offset) {
  std::lock_guard lock(mutex_);
  if (id >= partitions_.size()) return std::nullopt;
  partition_state& p = partitions_[id];
  if (!p.active) return std::nullopt;
  auto it = std::lower_bound(p.in_flight.begin(), p.in_flight.end(), offset,
                             [](const entry& e, int64_t o) { return e.offset < o; });
  if (it == p.in_flight.end() || it->offset != offset || it->done) return std::nullopt;
  it->done = true;
  --pending_;
  std::optional<advance> moved;
  while (!p.in_flight.empty() && p.in_flight.front().done) {
    moved = advance{p.topic, p.partition, p.in_flight.front().offset + 1};
    p.watermark = moved->next_offset;
    p.in_flight.pop_front();
  }
  return moved;
}

void offset_tracker::forget(const std::string& topic, int32_t partition) {
  std::lock_guard lock(mutex_);
  auto it = ids_.find({topic, partition});
  if (it == ids_.end()) return;
  partition_state& p = partitions_[it->second];
  if (!p.in_flight.empty()) p.watermark = p.in_flight.front().offset;  // the front is never done
  pending_ -= static_cast<size_t>(std::count_if(p.in_flight.begin(), p.in_flight.end(),
                                                [](const entry& e) { return !e.done; }));
  p.in_flight.clear();
  p.active = false;
}

std::optional<int64_t> offset_tracker::resume_offset(const std::string& topic, int32_t partition) const {
  std::lock_guard lock(mutex_);
  auto it = ids_.find({topic, partition});
  if (it == ids_.end() || partitions_[it->second].watermark < 0) return std::nullopt;
  return partitions_[it->second].watermark;
}

size_t offset_tracker::pending(const std::string& topic, int32_t partition) const {
  std::lock_guard lock(mutex_);
  auto it = ids_.find({topic, partition});
  if (it == ids_.end()) return 0;
  const auto& q = partitions_[it->second].in_flight;
  return static_cast<size_t>(std::count_if(q.begin(), q.end(), [](const entry& e) { return !e.done; }));
}

size_t offset_tracker::pending() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

int32_t offset_tracker::partition_number(partition_id id) const {
  std::lock_guard lock(mutex_);
  return id < partitions_.size() ? partitions_[id].partition : -1;
}

}  // namespace newsflow
