// The in-memory structure search index: every registered parent's fingerprints, pickle and
// filter attributes, laid out for scans, built from SQLite at start and kept current.
//
// Layout. The index is a list of segments in ascending compound id. A *sealed* segment is
// immutable except for per-row atomic flags (visibility, retired): its pattern
// fingerprints are stored bit-sliced (one bit column per fingerprint bit, 1 bit per row), so a
// substructure screen reads only the columns of the bits its query sets, rarest first; its
// Morgan fingerprints are stored contiguously, sorted by popcount into bins (BitBound) with a
// 32-byte per-fingerprint word-count sketch whose sum of minima bounds the intersection.
// The *tail* segment takes new registrations: preallocated arrays in row layout, appended
// by the single writer, published by an atomic row count (release/acquire). A full tail is
// sealed into a new sealed segment and a new snapshot is published.
//
// Concurrency (RCU by reference counting). Readers take snapshot() — an atomically loaded
// shared_ptr to an immutable list of segments — and never wait: no lock is taken on the read
// path. Writers (sync, load) are serialised by a mutex; they append to the tail, flip row
// flags atomically, or publish a new snapshot; a segment is freed when the last reader
// holding a snapshot with it lets go. Copy-on-write of whole segments would cost a copy
// per registration; append + atomic count costs nothing for readers.
//
// Keeping current. sync() reads compounds with an id above the highest indexed one (in id
// order, so paging stays stable) and those whose updated_at moved since the last sync
// (visibility changes, retirement: flags only — a parent's structure never changes).
// Registration calls it after its commit; searches call trySync() first, so writes by any
// door (CLI, bulk, other modules) appear without a restart.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "db/access.h"
#include "db/database.h"

namespace argan::server {

// Row flags: visibility in bits 0-1 (db::Visibility's values), retired in bit 2.
enum : std::uint8_t {
  kRowStartUp = static_cast<std::uint8_t>(db::Visibility::StartUp),
  kRowCluster = static_cast<std::uint8_t>(db::Visibility::Cluster),
  kRowPublic = static_cast<std::uint8_t>(db::Visibility::Public),
  kRowVisibilityMask = 3,
  kRowRetired = 4,
};
static_assert(kRowStartUp < 4 && kRowCluster < 4 && kRowPublic < 4, "two bits of visibility");

inline db::Visibility rowVisibility(std::uint8_t flags) {
  return static_cast<db::Visibility>(flags & kRowVisibilityMask);
}

class IndexSegment {
 public:
  static constexpr std::size_t kWords = 32;  // 64-bit words per 2048-bit fingerprint

  // Collects rows (ascending ids) for a sealed segment; build() lays them out.
  class Builder {
   public:
    explicit Builder(std::size_t expectedRows = 0);
    void add(std::int64_t id, std::int64_t startUpId, std::uint8_t flags, double mw,
             std::string_view morganFp, std::string_view patternFp, std::string_view pickle);
    std::size_t size() const { return ids_.size(); }
    std::unique_ptr<IndexSegment> build();

   private:
    std::vector<std::int64_t> ids_;
    std::vector<std::int32_t> startUps_;
    std::vector<std::uint8_t> flags_;
    std::vector<double> mw_;
    std::vector<std::uint64_t> morgan_;
    std::vector<std::uint64_t> pattern_;
    std::vector<std::uint64_t> pickleOffsets_{0};
    std::string pickleData_;
  };

  // An empty tail able to take `capacity` rows.
  static std::unique_ptr<IndexSegment> tail(std::size_t capacity);

  bool sealed() const { return sealed_; }
  // Rows readers may look at (acquire): rows below it are complete and never move.
  std::size_t size() const { return size_.load(std::memory_order_acquire); }
  std::size_t capacity() const { return capacity_; }

  std::int64_t id(std::size_t row) const { return ids_[row]; }
  std::int64_t startUp(std::size_t row) const { return startUps_[row]; }
  std::uint8_t flags(std::size_t row) const { return flags_[row].load(std::memory_order_relaxed); }
  double mw(std::size_t row) const { return mw_[row]; }
  std::string_view pickle(std::size_t row) const;
  // Row of a compound id, or -1.
  std::int64_t rowOf(std::int64_t id) const;

  // Pattern screen. Sealed: bit columns of columnWords() words (bit r%64 of word r/64 is
  // row r), bitFrequency(bit) rows set; tail: row-major fingerprints.
  std::size_t columnWords() const { return columnWords_; }
  const std::uint64_t* column(unsigned bit) const {
    return columns_.data() + static_cast<std::size_t>(bit) * columnWords_;
  }
  std::uint32_t bitFrequency(unsigned bit) const { return bitFrequency_[bit]; }
  const std::uint64_t* patternRow(std::size_t row) const { return patternRows_.data() + row * kWords; }

  // Similarity. Sealed: position p (sorted by popcount) holds the fingerprint of row
  // morganRow(p); popcount bin c spans positions [binStart(c), binStart(c + 1)).
  // Tail: position = row, no bins.
  const std::uint64_t* morgan(std::size_t position) const { return morgan_.data() + position * kWords; }
  const std::uint8_t* sketches() const { return sketches_.data(); }
  std::uint32_t morganRow(std::size_t position) const {
    return sealed_ ? morganRow_[position] : static_cast<std::uint32_t>(position);
  }
  std::uint16_t morganCount(std::size_t position) const { return morganCount_[position]; }
  std::uint32_t binStart(unsigned count) const { return binStart_[count]; }

  // Writer side (under the index mutex).
  void append(std::int64_t id, std::int64_t startUpId, std::uint8_t flags, double mw,
              std::string_view morganFp, std::string_view patternFp, std::string_view pickle);
  void setFlags(std::size_t row, std::uint8_t flags) { flags_[row].store(flags, std::memory_order_relaxed); }
  std::unique_ptr<IndexSegment> sealCopy() const;  // a sealed copy of this tail's rows
  std::size_t memoryBytes() const;

 private:
  IndexSegment() = default;
  bool sealed_ = false;
  std::size_t capacity_ = 0;
  std::atomic<std::size_t> size_{0};
  std::vector<std::int64_t> ids_;
  std::vector<std::int32_t> startUps_;
  std::unique_ptr<std::atomic<std::uint8_t>[]> flags_;
  std::vector<double> mw_;
  // Pickles: sealed segments pack them in one buffer; the tail keeps one string per row.
  std::vector<std::uint64_t> pickleOffsets_;
  std::string pickleData_;
  std::vector<std::string> picklesTail_;
  std::size_t columnWords_ = 0;
  std::vector<std::uint64_t> columns_;
  std::array<std::uint32_t, 2048> bitFrequency_{};
  std::vector<std::uint64_t> patternRows_;
  std::vector<std::uint64_t> morgan_;
  std::vector<std::uint8_t> sketches_;
  std::vector<std::uint32_t> morganRow_;
  std::vector<std::uint16_t> morganCount_;
  std::array<std::uint32_t, 2050> binStart_{};
};

struct IndexSnapshot {
  std::vector<std::shared_ptr<IndexSegment>> segments;  // ascending ids; last may be the tail
  std::size_t compounds() const;
};

struct SearchIndexOptions {
  std::size_t tailCapacity = 16384;       // rows appended before a tail is sealed
  std::size_t loadSegmentRows = 262144;   // rows per sealed segment built at load
};

struct SearchIndexStats {
  std::size_t compounds = 0;
  std::size_t segments = 0;
  std::size_t memoryBytes = 0;
  std::int64_t maxId = 0;
  double loadSeconds = 0;
};

class SearchIndex {
 public:
  explicit SearchIndex(db::Database& database, SearchIndexOptions options = {});
  ~SearchIndex();

  // Builds the index from every compound in the database (replacing what it held).
  // Throws argan::Error on database failure.
  void load();

  // Brings the index up to date with the database (see the file comment). Thread-safe;
  // readers are never blocked. Throws argan::Error on database failure.
  void sync();
  // sync() unless another thread is syncing right now (then returns at once).
  void trySync();

  // The current snapshot; hold it for the duration of one search. Never null.
  std::shared_ptr<const IndexSnapshot> snapshot() const;

  SearchIndexStats stats() const;

 private:
  void appendLocked(std::int64_t id, std::int64_t startUpId, std::uint8_t flags, double mw,
                    std::string_view morganFp, std::string_view patternFp,
                    std::string_view pickle);
  void refreshFlagsLocked(std::int64_t id, std::uint8_t flags);
  void syncLocked();

  db::Database& db_;
  SearchIndexOptions options_;
  std::mutex writeMutex_;
  std::shared_ptr<const IndexSnapshot> snapshot_;  // std::atomic_load / atomic_store
  std::int64_t maxId_ = 0;
  std::string changedSince_;  // updated_at watermark
  double loadSeconds_ = 0;
};

// Flags for a stored visibility name and retirement.
std::uint8_t rowFlags(std::string_view visibility, bool retired);

}  // namespace argan::server
