#include "processors/dedup/rocksdb_dedup_store.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <limits>

namespace newsflow {
namespace {

constexpr char insert_prefix = 'i';
constexpr char lines_prefix = 'l';
const std::string snapshot_key = "f";
const std::string format_key = "m";
// Journal version: bump when encode_record's layout or the signatures' meaning changes
// (token_hashes.cc, text_signature.cc: token hashing, shingling, binning), so state written
// by another release is never misread: it is dropped at start-up (check_format).
constexpr uint32_t record_version = 6;
constexpr std::string_view format_prefix = "newsflow dedup state v";

std::string key(char prefix, uint64_t n) {
  std::string k(9, '\0');
  k[0] = prefix;
  for (int i = 8; i >= 1; --i, n >>= 8) k[static_cast<size_t>(i)] = static_cast<char>(n & 0xFF);
  return k;
}

uint64_t key_number(const rocksdb::Slice& k) {
  uint64_t n = 0;
  for (size_t i = 1; i < 9 && i < k.size(); ++i) n = (n << 8) | static_cast<unsigned char>(k[i]);
  return n;
}

template <class T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

// Reads little-endian fixed-width fields (the machine's own order: the state is local).
class reader {
 public:
  explicit reader(rocksdb::Slice s) : p_(s.data()), end_(s.data() + s.size()) {}
  template <class T>
  bool get(T& v) {
    if (static_cast<size_t>(end_ - p_) < sizeof(T)) return false;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }
  bool bytes(size_t n, std::string_view& v) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    v = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  bool done() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
};

void encode_record(const dedup_record& r, std::string& out) {
  out.clear();
  put(out, r.arrival_ms);
  put(out, r.shingles);
  put(out, r.masked_shingles);
  put(out, r.body_key);
  put(out, r.url_key);
  put(out, r.similarity_milli);
  const auto id = r.id.substr(0, 0xFFFF), story = r.story_id.substr(0, 0xFFFF);
  put(out, static_cast<uint16_t>(id.size()));
  put(out, static_cast<uint16_t>(story.size()));
  put(out, static_cast<uint32_t>(r.signature.size()));
  put(out, static_cast<uint32_t>(r.band_keys.size()));
  out.append(id);
  out.append(story);
  out.append(reinterpret_cast<const char*>(r.signature.data()), r.signature.size_bytes());
  out.append(reinterpret_cast<const char*>(r.band_keys.data()), r.band_keys.size_bytes());
}

// `signature` and `band_keys` hold the record's arrays (views in `r` point into them and
// into `value`).
bool decode_record(rocksdb::Slice value, dedup_record& r, std::vector<minhash_value>& signature,
                   std::vector<uint32_t>& band_keys) {
  reader in(value);
  uint16_t id_len = 0, story_len = 0;
  uint32_t sig_len = 0, keys_len = 0;
  std::string_view sig, keys;
  if (!(in.get(r.arrival_ms) && in.get(r.shingles) && in.get(r.masked_shingles) &&
        in.get(r.body_key) && in.get(r.url_key) && in.get(r.similarity_milli) && in.get(id_len) &&
        in.get(story_len) && in.get(sig_len) && in.get(keys_len) && in.bytes(id_len, r.id) &&
        in.bytes(story_len, r.story_id) && in.bytes(size_t{sig_len} * sizeof(minhash_value), sig) &&
        in.bytes(size_t{keys_len} * sizeof(uint32_t), keys) && in.done()))
    return false;
  signature.resize(sig_len);
  std::memcpy(signature.data(), sig.data(), sig.size());
  r.signature = signature;
  band_keys.resize(keys_len);
  std::memcpy(band_keys.data(), keys.data(), keys.size());
  r.band_keys = band_keys;
  return true;
}

std::string encode_format(const dedup_state_format& f) {
  return fmt::format("{}{}: num_hashes={} shingle_words={} bands={} furniture_stories={}",
                     format_prefix, record_version, f.num_hashes, f.shingle_words, f.bands,
                     f.furniture_stories);
}

// The journal version of a format record, or -1 if it is not one.
int64_t format_version(std::string_view record) {
  if (!record.starts_with(format_prefix)) return -1;
  record.remove_prefix(format_prefix.size());
  int64_t v = 0;
  size_t digits = 0;
  for (; digits < record.size() && digits < 9 && record[digits] >= '0' && record[digits] <= '9'; ++digits)
    v = v * 10 + (record[digits] - '0');
  return digits > 0 && digits < record.size() && record[digits] == ':' ? v : -1;
}

}  // namespace

rocksdb_dedup_store::rocksdb_dedup_store(const std::filesystem::path& dir, const options& o,
                                         int64_t expire_before_ms)
    : options_(o),
      memory_(2 * o.format.num_hashes, o.format.bands, o.max_entries, o.format.furniture_stories,
              /*keep_signatures=*/false) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw dedup_state_error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  // The journal is written once and read back only at start-up: small memtables, little
  // background work, and a bounded number of open files.
  db_options.write_buffer_size = 16 << 20;
  db_options.max_write_buffer_number = 2;
  db_options.max_open_files = 256;
  db_options.keep_log_file_num = 3;
  db_options.max_background_jobs = 1;
  db_options.compression = rocksdb::kNoCompression;  // signatures are random bits
  rocksdb::DB* db = nullptr;
  const rocksdb::Status st = rocksdb::DB::Open(db_options, dir.string(), &db);
  if (!st.ok()) throw dedup_state_error(fmt::format("cannot open {}: {}", dir.string(), st.ToString()));
  db_.reset(db);
  check_format(dir);
  replay(expire_before_ms);
}

rocksdb_dedup_store::~rocksdb_dedup_store() {
  std::lock_guard lock(journal_mutex_);
  if (line_updates_ != snapshot_at_) write_snapshot();
  prune_inserts();
  db_->FlushWAL(true);
}

void rocksdb_dedup_store::check_format(const std::filesystem::path& dir) {
  const std::string want = encode_format(options_.format);
  std::string have;
  const rocksdb::Status st = db_->Get(rocksdb::ReadOptions(), format_key, &have);
  if (st.IsNotFound()) {
    // A new directory, or one from a run that stopped before writing anything else.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    if (it->Valid())
      throw dedup_state_error("holds data but no format record: not a newsflow dedup state");
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (const auto w = db_->Put(wo, format_key, want); !w.ok())
      throw dedup_state_error("cannot write: " + w.ToString());
    return;
  }
  if (!st.ok()) throw dedup_state_error("cannot read: " + st.ToString());
  if (have == want) return;
  const int64_t version = format_version(have);
  if (version < 0) throw dedup_state_error("holds a format record that is not newsflow's: " + have);
  if (version != record_version) {
    // Written by another release, whose signatures this one cannot compare with its own:
    // forgotten, as if the window had passed (an upgrade must not need a manual step).
    spdlog::warn("dedup state {}: written by another release of newsflow (journal v{}, this "
                 "release writes v{}); starting with an empty memory",
                 dir.string(), version, record_version);
    rocksdb::WriteBatch batch;
    // Every key is a one-letter prefix (and a big-endian number): all sort below "\xff".
    batch.DeleteRange(db_->DefaultColumnFamily(), rocksdb::Slice(), rocksdb::Slice("\xff", 1));
    batch.Put(format_key, want);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (const auto w = db_->Write(wo, &batch); !w.ok())
      throw dedup_state_error("cannot reset: " + w.ToString());
    return;
  }
  throw dedup_state_error(fmt::format(
      "was written with other settings ({}; now {}): use another directory, or delete it to "
      "start with an empty memory",
      have, want));
}

void rocksdb_dedup_store::replay(int64_t expire_before_ms) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::vector<minhash_value> signature;
  std::vector<uint32_t> band_keys;
  const std::string first_insert = key(insert_prefix, 0);
  bool first = true;
  for (it->Seek(first_insert); it->Valid() && it->key()[0] == insert_prefix; it->Next()) {
    dedup_record r;
    if (!decode_record(it->value(), r, signature, band_keys))
      throw dedup_state_error(fmt::format("insert {} is corrupt", key_number(it->key())));
    const uint64_t n = key_number(it->key());
    if (first) pruned_below_ = n;
    if (!first && n != inserts_) {
      // A write failed (logged then): the memory store numbers its entries consecutively
      // and read() maps them to inserts by distance, so what came before the gap is dropped.
      spdlog::warn("dedup state: inserts {} to {} are missing; forgetting the {} before them",
                   inserts_, n - 1, memory_.size());
      memory_.expire(std::numeric_limits<int64_t>::max());
    }
    first = false;
    memory_.insert(r);
    inserts_ = n + 1;
    ++replayed_;
  }
  if (!it->status().ok()) throw dedup_state_error("cannot read: " + it->status().ToString());

  std::string snapshot;
  const rocksdb::Status st = db_->Get(rocksdb::ReadOptions(), snapshot_key, &snapshot);
  if (st.ok()) {
    reader in(snapshot);
    std::string_view table;
    if (!in.get(snapshot_at_) || !in.bytes(snapshot.size() - sizeof(uint64_t), table) ||
        !memory_.load_furniture(table))
      throw dedup_state_error("the page-furniture snapshot is corrupt");
    line_updates_ = snapshot_at_;
  } else if (!st.IsNotFound()) {
    throw dedup_state_error("cannot read: " + st.ToString());
  }
  std::vector<uint64_t> keys;
  for (it->Seek(key(lines_prefix, snapshot_at_)); it->Valid() && it->key()[0] == lines_prefix;
       it->Next()) {
    reader in(it->value());
    uint64_t story_key = 0;
    if (!in.get(story_key) || (it->value().size() - sizeof(uint64_t)) % sizeof(uint64_t) != 0)
      throw dedup_state_error(fmt::format("line update {} is corrupt", key_number(it->key())));
    keys.resize((it->value().size() - sizeof(uint64_t)) / sizeof(uint64_t));
    std::memcpy(keys.data(), it->value().data() + sizeof(uint64_t), keys.size() * sizeof(uint64_t));
    memory_.add_lines(keys, story_key);
    line_updates_ = key_number(it->key()) + 1;
  }
  if (!it->status().ok()) throw dedup_state_error("cannot read: " + it->status().ToString());
  memory_.expire(expire_before_ms);
}

void rocksdb_dedup_store::write(rocksdb::WriteBatch& batch) {
  const rocksdb::Status st = db_->Write(rocksdb::WriteOptions(), &batch);
  if (st.ok()) return;
  if (write_errors_++ % 1000 == 0)
    spdlog::error("dedup: cannot write its state ({} failed writes so far): {}", write_errors_,
                  st.ToString());
}

void rocksdb_dedup_store::add_lines(std::span<const uint64_t> line_keys, uint64_t story_key) {
  if (options_.format.furniture_stories == 0) return;
  // The journal lock is held across the memory update so the journal's order is its order.
  std::lock_guard lock(journal_mutex_);
  memory_.add_lines(line_keys, story_key);
  buffer_.clear();
  put(buffer_, story_key);
  buffer_.append(reinterpret_cast<const char*>(line_keys.data()), line_keys.size_bytes());
  rocksdb::WriteBatch batch;
  batch.Put(key(lines_prefix, line_updates_++), buffer_);
  write(batch);
  if (line_updates_ - snapshot_at_ >= options_.snapshot_every) write_snapshot();
}

void rocksdb_dedup_store::write_snapshot() {
  std::string table;
  memory_.save_furniture(table);
  buffer_.clear();
  put(buffer_, line_updates_);
  buffer_.append(table);
  rocksdb::WriteBatch batch;
  batch.Put(snapshot_key, buffer_);
  batch.DeleteRange(key(lines_prefix, 0), key(lines_prefix, line_updates_));
  write(batch);
  snapshot_at_ = line_updates_;
}

void rocksdb_dedup_store::prune_inserts() {
  // The memory store keeps the last size() inserts; older ones can never come back.
  const uint64_t live_from = inserts_ - memory_.size();
  if (live_from <= pruned_below_) return;
  rocksdb::WriteBatch batch;
  batch.DeleteRange(key(insert_prefix, 0), key(insert_prefix, live_from));
  write(batch);
  pruned_below_ = live_from;
}

size_t rocksdb_dedup_store::insert(const dedup_record& record) {
  std::lock_guard lock(journal_mutex_);
  const size_t evicted = memory_.insert(record);
  encode_record(record, buffer_);
  rocksdb::WriteBatch batch;
  batch.Put(key(insert_prefix, inserts_++), buffer_);
  write(batch);
  // Range deletions are cheap but each one is a tombstone: batch them.
  if (inserts_ - memory_.size() >= pruned_below_ + options_.prune_every) prune_inserts();
  return evicted;
}

bool rocksdb_dedup_store::read(uint64_t ref, dedup_entry& out) {
  // Under the journal lock, no insert moves the numbering between the two stores: the
  // newest entry (handle next_ref() - 1) is insert inserts_ - 1, and handles are consecutive.
  std::lock_guard lock(journal_mutex_);
  if (!memory_.read(ref, out)) return false;
  const uint64_t behind = static_cast<uint32_t>(memory_.next_ref() - static_cast<uint32_t>(ref));
  if (behind == 0 || behind > inserts_) return false;
  std::string value;
  const rocksdb::Status st =
      db_->Get(rocksdb::ReadOptions(), key(insert_prefix, inserts_ - behind), &value);
  dedup_record r;
  // The id check guards the mapping: a record of another article is never used.
  if (!st.ok() || !decode_record(value, r, read_signature_, read_band_keys_) || r.id != out.id ||
      r.arrival_ms != out.arrival_ms) {
    if (read_errors_++ % 1000 == 0)
      spdlog::error("dedup: cannot read a remembered signature ({} failed reads so far): {}",
                    read_errors_, st.ok() ? "corrupt record" : st.ToString());
    return false;
  }
  out.signature.assign(r.signature.begin(), r.signature.end());
  return true;
}

size_t rocksdb_dedup_store::expire(int64_t cutoff_ms) {
  std::lock_guard lock(journal_mutex_);
  const size_t n = memory_.expire(cutoff_ms);
  if (n > 0) {
    if (inserts_ - memory_.size() >= pruned_below_ + options_.prune_every) prune_inserts();
  }
  return n;
}

}  // namespace newsflow
