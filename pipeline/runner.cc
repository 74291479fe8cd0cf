#include "pipeline/runner.h"

#include <stdexcept>

namespace newsflow {

enum class slot_state { free, filling, queued, done };

struct runner::slot {
  input_record record;
  size_t counted_bytes = 0;  // record.bytes.size() when submitted (in in_flight_bytes_)
  article art;
  std::string output;
  failure error;
  outcome kind = outcome::published;
  slot_state state = slot_state::free;
};

// Lets articles through one at a time in sequence order. Every sequence number passes
// every gate (articles that failed earlier just pass), so the next one is never stuck.
class runner::ordered_gate {
 public:
  void enter(uint64_t sequence) {
    std::unique_lock lock(mutex_);
    turn_.wait(lock, [&] { return next_ == sequence; });
  }
  void leave() {
    {
      std::lock_guard lock(mutex_);
      ++next_;
    }
    turn_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable turn_;
  uint64_t next_ = 0;
};

runner::runner(chain& c, decoder_options decode, encoder_options encode, record_sink& sink,
               metrics_registry& metrics, runner_options options)
    : chain_(c),
      decode_options_(decode),
      encoder_(encode),
      sink_(sink),
      options_(options),
      articles_in_(metrics.get_counter("newsflow_articles_in_total", "Input messages received.")),
      bytes_in_(metrics.get_counter("newsflow_input_bytes_total", "Bytes of input messages received.")),
      published_(metrics.get_counter("newsflow_articles_out_total", "Enriched articles published.")),
      dropped_(metrics.get_counter("newsflow_articles_dropped_total",
                                   "Articles dropped on purpose by a processor (e.g. duplicates).")),
      article_latency_(metrics.get_histogram("newsflow_article_duration_seconds",
                                             "Time from decode start to encoded output, per article.")),
      metrics_(metrics) {
  if (options_.workers == 0) options_.workers = 1;
  if (options_.max_in_flight == 0) options_.max_in_flight = 64 * static_cast<size_t>(options_.workers);
  ring_.reserve(options_.max_in_flight);
  for (size_t i = 0; i < options_.max_in_flight; ++i) ring_.push_back(std::make_unique<slot>());
  for (size_t i = 0; i < chain_.stages().size(); ++i)
    gates_.push_back(std::make_unique<ordered_gate>());
  for (unsigned w = 0; w < options_.workers; ++w) workers_.emplace_back([this, w] { work(w); });
  deliverer_ = std::thread([this] { deliver_loop(); });
}

runner::~runner() { finish(); }

input_record* runner::acquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (acquired_) throw std::logic_error("runner::acquire called twice without submit");
  slot& s = *ring_[next_acquire_ % ring_.size()];
  const auto room = [&] {
    return s.state == slot_state::free &&
           (in_flight_bytes_ < options_.max_in_flight_bytes || next_acquire_ == next_deliver_);
  };
  if (!slot_free_.wait_for(lock, wait, room)) return nullptr;
  s.state = slot_state::filling;
  acquired_ = true;
  lock.unlock();
  s.record.clear();
  return &s.record;
}

void runner::submit() {
  {
    std::lock_guard lock(mutex_);
    if (!acquired_) throw std::logic_error("runner::submit without acquire");
    slot& s = *ring_[next_acquire_ % ring_.size()];
    s.state = slot_state::queued;
    s.counted_bytes = s.record.bytes.size();
    in_flight_bytes_ += s.counted_bytes;
    totals_.submitted++;
    totals_.bytes_in += s.record.bytes.size();
    ++next_acquire_;
    acquired_ = false;
  }
  work_ready_.notify_one();
}

void runner::cancel_acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!acquired_) throw std::logic_error("runner::cancel_acquire without acquire");
    ring_[next_acquire_ % ring_.size()]->state = slot_state::free;
    acquired_ = false;
  }
  slot_free_.notify_one();
}

void runner::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finishing_) return;
    finishing_ = true;
  }
  work_ready_.notify_all();
  result_ready_.notify_all();
  for (auto& t : workers_) t.join();
  deliverer_.join();
}

size_t runner::in_flight() const {
  std::lock_guard lock(mutex_);
  return next_acquire_ - next_deliver_;
}

bool runner::at_most(double share) const {
  std::lock_guard lock(mutex_);
  return static_cast<double>(next_acquire_ - next_deliver_) <= share * static_cast<double>(options_.max_in_flight) &&
         static_cast<double>(in_flight_bytes_) <= share * static_cast<double>(options_.max_in_flight_bytes);
}

runner_totals runner::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

void runner::work(unsigned /*worker_index*/) {
  article_decoder decoder(decode_options_);  // one simdjson parser per worker
  for (;;) {
    uint64_t sequence;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return next_claim_ < next_acquire_ || finishing_; });
      if (next_claim_ >= next_acquire_) return;  // finishing and nothing left
      sequence = next_claim_++;
    }
    slot& s = *ring_[sequence % ring_.size()];
    process(s, sequence, decoder);
    bool next_in_line;
    {
      std::lock_guard lock(mutex_);
      s.state = slot_state::done;
      next_in_line = sequence == next_deliver_;
    }
    if (next_in_line) result_ready_.notify_one();
  }
}

void runner::process(slot& s, uint64_t sequence, article_decoder& decoder) {
  const auto start = std::chrono::steady_clock::now();
  articles_in_.inc();
  bytes_in_.inc(s.record.bytes.size());
  s.output.clear();
  bool alive = true;
  if (auto decoded = decoder.decode(s.record, s.art); !decoded) {
    s.kind = outcome::rejected;
    s.error = std::move(decoded.error());
    alive = false;
  }
  const auto& stages = chain_.stages();
  for (size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].in_order) gates_[i]->enter(sequence);
    if (alive) {
      process_result r = chain_.run_stage(i, s.art);
      if (!r) {
        s.kind = outcome::rejected;
        s.error = std::move(r.error());
        alive = false;
      } else if (*r == verdict::drop) {
        s.kind = outcome::dropped;
        alive = false;
      }
    }
    if (stages[i].in_order) gates_[i]->leave();
  }
  if (alive) {
    s.kind = outcome::published;
    encoder_.encode(s.art, s.output);
  }
  article_latency_.observe_us(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
          .count()));
}

void runner::deliver_loop() {
  bool idle = false;  // sink told already, nothing delivered since
  for (;;) {
    slot* s;
    uint64_t sequence;
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] {
        return (next_deliver_ < next_acquire_ &&
                ring_[next_deliver_ % ring_.size()]->state == slot_state::done) ||
               (finishing_ && next_deliver_ == next_acquire_ && next_claim_ >= next_acquire_);
      };
      if (!ready() && !idle) {
        idle = true;
        lock.unlock();
        sink_.idle();
        lock.lock();
      }
      result_ready_.wait(lock, ready);
      idle = false;
      if (next_deliver_ == next_acquire_) return;
      sequence = next_deliver_;
      s = ring_[sequence % ring_.size()].get();
    }
    const failure* error = s->kind == outcome::rejected ? &s->error : nullptr;
    sink_.deliver(result_view{sequence, s->kind, s->record, s->output, s->art.route, error});
    switch (s->kind) {
      case outcome::published: published_.inc(); break;
      case outcome::dropped: dropped_.inc(); break;
      case outcome::rejected:
        // Reason codes are a fixed set, so the label stays low-cardinality.
        metrics_
            .get_counter("newsflow_articles_rejected_total",
                         "Inputs rejected (dead-lettered), by reason code.",
                         {{"reason", s->error.code}, {"processor", s->error.processor}})
            .inc();
        break;
    }
    s->record.release_buffers_over(options_.retain_buffer_bytes);
    s->art.release_buffers_over(options_.retain_buffer_bytes);
    if (s->output.capacity() > options_.retain_buffer_bytes) std::string().swap(s->output);
    {
      std::lock_guard lock(mutex_);
      in_flight_bytes_ -= s->counted_bytes;
      switch (s->kind) {
        case outcome::published: totals_.published++; break;
        case outcome::dropped: totals_.dropped++; break;
        case outcome::rejected: totals_.rejected++; break;
      }
      s->state = slot_state::free;
      ++next_deliver_;
    }
    slot_free_.notify_one();
  }
}

}  // namespace newsflow
