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
#include <thread>
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

  // The arrays of a sealed segment as they lie in memory (owned or mapped from a snapshot
  // file, search_snapshot.h): what a snapshot writes and what a mapped segment points at.
  struct SealedArrays {
    std::size_t rows = 0;
    std::size_t columnWords = 0;
    const std::int64_t* ids = nullptr;              // rows
    const std::int32_t* startUps = nullptr;         // rows
    const double* mw = nullptr;                     // rows
    const std::uint64_t* pickleOffsets = nullptr;   // rows + 1
    const char* pickleData = nullptr;               // pickleOffsets[rows] bytes
    const std::uint64_t* columns = nullptr;         // 2048 * columnWords
    const std::uint32_t* bitFrequency = nullptr;    // 2048
    const std::uint64_t* morgan = nullptr;          // rows * kWords, popcount order
    const std::uint8_t* sketches = nullptr;         // rows * kSketchBytes
    const std::uint32_t* morganRow = nullptr;       // rows
    const std::uint16_t* morganCount = nullptr;     // rows
    const std::uint32_t* binStart = nullptr;        // 2050
  };

  // A sealed segment over arrays someone else keeps alive (`keeper`, e.g. a file mapping);
  // `flags` (one per row) are copied: flags change, the arrays never do.
  static std::unique_ptr<IndexSegment> mapped(const SealedArrays& arrays,
                                              const std::uint8_t* flags,
                                              std::shared_ptr<const void> keeper);

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
    return columns_ + static_cast<std::size_t>(bit) * columnWords_;
  }
  std::uint32_t bitFrequency(unsigned bit) const { return bitFrequency_[bit]; }
  const std::uint64_t* patternRow(std::size_t row) const { return patternRows_ + row * kWords; }

  // Similarity. Sealed: position p (sorted by popcount) holds the fingerprint of row
  // morganRow(p); popcount bin c spans positions [binStart(c), binStart(c + 1)).
  // Tail: position = row, no bins.
  const std::uint64_t* morgan(std::size_t position) const { return morgan_ + position * kWords; }
  const std::uint8_t* sketches() const { return sketches_; }
  std::uint32_t morganRow(std::size_t position) const {
    return sealed_ ? morganRow_[position] : static_cast<std::uint32_t>(position);
  }
  std::uint16_t morganCount(std::size_t position) const { return morganCount_[position]; }
  std::uint32_t binStart(unsigned count) const { return binStart_[count]; }

  // The arrays of a sealed segment (for snapshot files). Precondition: sealed().
  SealedArrays sealedArrays() const;
  // True when the arrays live in a mapped file rather than in this process's heap.
  bool isMapped() const { return keeper_ != nullptr; }

  // Writer side (under the index mutex).
  void append(std::int64_t id, std::int64_t startUpId, std::uint8_t flags, double mw,
              std::string_view morganFp, std::string_view patternFp, std::string_view pickle);
  void setFlags(std::size_t row, std::uint8_t flags) { flags_[row].store(flags, std::memory_order_relaxed); }
  std::unique_ptr<IndexSegment> sealCopy() const;  // a sealed copy of this tail's rows
  // Heap bytes owned by this segment (mapped arrays are not counted: see mappedBytes()).
  std::size_t memoryBytes() const;
  std::size_t mappedBytes() const;

 private:
  IndexSegment() = default;
  void pointAtOwned();  // sets the array pointers to the owned vectors

  bool sealed_ = false;
  std::size_t capacity_ = 0;
  std::atomic<std::size_t> size_{0};
  std::unique_ptr<std::atomic<std::uint8_t>[]> flags_;
  std::size_t columnWords_ = 0;

  // What readers use: pointers into the owned vectors below or into a mapped file.
  const std::int64_t* ids_ = nullptr;
  const std::int32_t* startUps_ = nullptr;
  const double* mw_ = nullptr;
  const std::uint64_t* pickleOffsets_ = nullptr;
  const char* pickleData_ = nullptr;
  const std::uint64_t* columns_ = nullptr;
  const std::uint32_t* bitFrequency_ = nullptr;
  const std::uint64_t* patternRows_ = nullptr;
  const std::uint64_t* morgan_ = nullptr;
  const std::uint8_t* sketches_ = nullptr;
  const std::uint32_t* morganRow_ = nullptr;
  const std::uint16_t* morganCount_ = nullptr;
  const std::uint32_t* binStart_ = nullptr;

  // Owned storage (built segments and tails). Sizes never change after construction, so
  // the pointers above stay valid; the tail writes into them through append().
  struct Owned {
    std::vector<std::int64_t> ids;
    std::vector<std::int32_t> startUps;
    std::vector<double> mw;
    std::vector<std::uint64_t> pickleOffsets;
    std::string pickleData;
    std::vector<std::string> picklesTail;  // the tail keeps one string per row
    std::vector<std::uint64_t> columns;
    std::array<std::uint32_t, 2048> bitFrequency{};
    std::vector<std::uint64_t> patternRows;
    std::vector<std::uint64_t> morgan;
    std::vector<std::uint8_t> sketches;
    std::vector<std::uint32_t> morganRow;
    std::vector<std::uint16_t> morganCount;
    std::array<std::uint32_t, 2050> binStart{};
  };
  Owned own_;
  std::shared_ptr<const void> keeper_;  // keeps mapped arrays alive
  std::size_t mappedBytes_ = 0;
};

struct IndexSnapshot {
  std::vector<std::shared_ptr<IndexSegment>> segments;  // ascending ids; last may be the tail
  std::size_t compounds() const;
};

struct SearchIndexOptions {
  std::size_t tailCapacity = 16384;       // rows appended before a tail is sealed
  std::size_t loadSegmentRows = 262144;   // rows per sealed segment built at load
  // The persisted snapshot file (search_snapshot.h), e.g. "argan.db.index"; "" keeps the
  // index in memory only (tests, in-memory databases).
  std::string snapshotPath;
  // A new snapshot is written in the background when at least this many indexed rows are
  // not in the file in use (after a full load: always).
  std::size_t snapshotRefreshRows = 65536;
};

struct SearchIndexStats {
  std::size_t compounds = 0;
  std::size_t segments = 0;
  std::size_t memoryBytes = 0;
  std::int64_t maxId = 0;
  double loadSeconds = 0;
  std::size_t mappedBytes = 0;    // sealed arrays mapped from the snapshot file
  // How load() got the index: "off" (no snapshot file configured), "snapshot" (mapped and
  // valid), or "rebuilt: <why the file was not used>" (a full load from the database).
  std::string snapshotStatus = "off";
  std::size_t snapshotsWritten = 0;  // snapshot files written by this process
};

class SearchIndex {
 public:
  explicit SearchIndex(db::Database& database, SearchIndexOptions options = {});
  ~SearchIndex();

  // Builds the index (replacing what it held). With a snapshot path: maps the snapshot
  // file when it is intact and matches the database (search_snapshot.h), then applies the
  // rows added and the flags changed since; otherwise (no file, stale, corrupt) builds from
  // every compound in the database and writes a new snapshot in the background. Without
  // one: builds from the database. Throws argan::Error on database failure.
  void load();

  // Writes the snapshot file now, on the calling thread (the background writer's work).
  // Returns false (and the reason in stats) when no path is configured or the write failed.
  bool writeSnapshot();
  // Waits for a background snapshot write to finish (tests, shutdown).
  void waitForSnapshotWriter();

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
  // Sealed segments for every compound with id > afterId (ascending), built on helper
  // threads while rows are read; updates maxId_.
  std::vector<std::shared_ptr<IndexSegment>> buildSegmentsLocked(db::Connection& c,
                                                                 std::int64_t afterId);
  void loadFromDatabaseLocked();
  bool loadFromSnapshotLocked(std::string& whyNot);
  void scheduleSnapshotWrite();

  db::Database& db_;
  SearchIndexOptions options_;
  std::mutex writeMutex_;
  std::shared_ptr<const IndexSnapshot> snapshot_;  // std::atomic_load / atomic_store
  std::int64_t maxId_ = 0;
  std::string changedSince_;  // updated_at watermark
  double loadSeconds_ = 0;
  bool loaded_ = false;           // load() has run (sync() may then refresh the file)
  std::size_t snapshotRows_ = 0;  // rows in the snapshot file in use (0: none)
  mutable std::mutex statusMutex_;
  std::string snapshotStatus_ = "off";
  std::string lastWriteError_;
  std::size_t snapshotsWritten_ = 0;
  std::atomic<bool> writerBusy_{false};
  std::mutex writerJoinMutex_;
  std::thread writer_;
};

// Flags for a stored visibility name and retirement.
std::uint8_t rowFlags(std::string_view visibility, bool retired);

}  // namespace argan::server
