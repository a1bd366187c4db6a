#include "server/search/search_index.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <iostream>

#include "chem/bit_kernels.h"
#include "common/error.h"
#include "common/digest.h"
#include "db/compound_scan.h"
#include "server/search/search_snapshot.h"

namespace argan::server {
namespace {

constexpr std::size_t kFpBytes = IndexSegment::kWords * 8;

void copyFingerprint(std::string_view packed, std::uint64_t* words) {
  std::memset(words, 0, kFpBytes);
  std::memcpy(words, packed.data(), std::min(packed.size(), kFpBytes));
}

}  // namespace

std::uint8_t rowFlags(std::string_view visibility, bool retired) {
  // An unknown text is the narrowest level, as in db::canSee.
  std::uint8_t flags = static_cast<std::uint8_t>(
      db::parseVisibility(std::string(visibility)).value_or(db::Visibility::StartUp));
  if (retired) flags |= kRowRetired;
  return flags;
}

// ---- IndexSegment::Builder -------------------------------------------------------------

IndexSegment::Builder::Builder(std::size_t expectedRows) {
  ids_.reserve(expectedRows);
  startUps_.reserve(expectedRows);
  flags_.reserve(expectedRows);
  mw_.reserve(expectedRows);
  morgan_.reserve(expectedRows * kWords);
  pattern_.reserve(expectedRows * kWords);
  pickleOffsets_.reserve(expectedRows + 1);
  pickleData_.reserve(expectedRows * 450);
}

void IndexSegment::Builder::add(std::int64_t id, std::int64_t startUpId, std::uint8_t flags,
                                double mw, std::string_view morganFp, std::string_view patternFp,
                                std::string_view pickle) {
  ids_.push_back(id);
  startUps_.push_back(static_cast<std::int32_t>(startUpId));
  flags_.push_back(flags);
  mw_.push_back(mw);
  morgan_.resize(morgan_.size() + kWords);
  copyFingerprint(morganFp, morgan_.data() + morgan_.size() - kWords);
  pattern_.resize(pattern_.size() + kWords);
  copyFingerprint(patternFp, pattern_.data() + pattern_.size() - kWords);
  pickleData_.append(pickle.data(), pickle.size());
  pickleOffsets_.push_back(pickleData_.size());
}

std::unique_ptr<IndexSegment> IndexSegment::Builder::build() {
  std::unique_ptr<IndexSegment> s(new IndexSegment);
  const std::size_t n = ids_.size();
  Owned& o = s->own_;
  s->sealed_ = true;
  s->capacity_ = n;
  o.ids = std::move(ids_);
  o.startUps = std::move(startUps_);
  s->flags_.reset(new std::atomic<std::uint8_t>[n]);
  for (std::size_t r = 0; r < n; ++r) s->flags_[r].store(flags_[r], std::memory_order_relaxed);
  o.mw = std::move(mw_);
  o.pickleOffsets = std::move(pickleOffsets_);
  o.pickleData = std::move(pickleData_);
  o.pickleData.shrink_to_fit();

  // Pattern fingerprints, bit-sliced: column `bit` has bit r set when row r has `bit`.
  s->columnWords_ = (n + 63) / 64;
  o.columns.assign(2048 * s->columnWords_, 0);
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint64_t* fp = pattern_.data() + r * kWords;
    const std::uint64_t rowBit = 1ULL << (r & 63);
    const std::size_t rowWord = r >> 6;
    for (std::size_t w = 0; w < kWords; ++w) {
      std::uint64_t bits = fp[w];
      while (bits) {
        unsigned b = static_cast<unsigned>(__builtin_ctzll(bits));
        bits &= bits - 1;
        unsigned bit = static_cast<unsigned>(w * 64 + b);
        o.columns[bit * s->columnWords_ + rowWord] |= rowBit;
        ++o.bitFrequency[bit];
      }
    }
  }
  std::vector<std::uint64_t>().swap(pattern_);

  // Morgan fingerprints sorted by popcount (counting sort), with sketches.
  std::vector<std::uint16_t> counts(n);
  std::array<std::uint32_t, 2050> binSize{};
  for (std::size_t r = 0; r < n; ++r) {
    counts[r] = static_cast<std::uint16_t>(chem::popcountWords(morgan_.data() + r * kWords, kWords));
    ++binSize[counts[r]];
  }
  o.binStart[0] = 0;
  for (unsigned c = 0; c < 2049; ++c) o.binStart[c + 1] = o.binStart[c] + binSize[c];
  std::array<std::uint32_t, 2050> next = o.binStart;
  o.morgan.resize(n * kWords);
  o.sketches.resize(n * chem::kSketchBytes);
  o.morganRow.resize(n);
  o.morganCount.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    std::uint32_t p = next[counts[r]]++;
    std::memcpy(o.morgan.data() + p * kWords, morgan_.data() + r * kWords, kFpBytes);
    chem::makeSketch(o.morgan.data() + p * kWords, o.sketches.data() + p * chem::kSketchBytes);
    o.morganRow[p] = static_cast<std::uint32_t>(r);
    o.morganCount[p] = counts[r];
  }
  std::vector<std::uint64_t>().swap(morgan_);
  s->pointAtOwned();
  s->size_.store(n, std::memory_order_release);
  return s;
}

// ---- IndexSegment ----------------------------------------------------------------------

void IndexSegment::pointAtOwned() {
  ids_ = own_.ids.data();
  startUps_ = own_.startUps.data();
  mw_ = own_.mw.data();
  pickleOffsets_ = own_.pickleOffsets.data();
  pickleData_ = own_.pickleData.data();
  columns_ = own_.columns.data();
  bitFrequency_ = own_.bitFrequency.data();
  patternRows_ = own_.patternRows.data();
  morgan_ = own_.morgan.data();
  sketches_ = own_.sketches.data();
  morganRow_ = own_.morganRow.data();
  morganCount_ = own_.morganCount.data();
  binStart_ = own_.binStart.data();
}

std::unique_ptr<IndexSegment> IndexSegment::mapped(const SealedArrays& a,
                                                   const std::uint8_t* flags,
                                                   std::shared_ptr<const void> keeper) {
  std::unique_ptr<IndexSegment> s(new IndexSegment);
  const std::size_t n = a.rows;
  s->sealed_ = true;
  s->capacity_ = n;
  s->columnWords_ = a.columnWords;
  s->flags_.reset(new std::atomic<std::uint8_t>[n]);
  for (std::size_t r = 0; r < n; ++r) s->flags_[r].store(flags[r], std::memory_order_relaxed);
  s->ids_ = a.ids;
  s->startUps_ = a.startUps;
  s->mw_ = a.mw;
  s->pickleOffsets_ = a.pickleOffsets;
  s->pickleData_ = a.pickleData;
  s->columns_ = a.columns;
  s->bitFrequency_ = a.bitFrequency;
  s->morgan_ = a.morgan;
  s->sketches_ = a.sketches;
  s->morganRow_ = a.morganRow;
  s->morganCount_ = a.morganCount;
  s->binStart_ = a.binStart;
  s->keeper_ = std::move(keeper);
  s->mappedBytes_ = n * (8 + 4 + 8 + 8 + kFpBytes + chem::kSketchBytes + 4 + 2) + 8 +
                    a.pickleOffsets[n] + 2048 * a.columnWords * 8 + 2048 * 4 + 2050 * 4;
  s->size_.store(n, std::memory_order_release);
  return s;
}

IndexSegment::SealedArrays IndexSegment::sealedArrays() const {
  SealedArrays a;
  a.rows = size();
  a.columnWords = columnWords_;
  a.ids = ids_;
  a.startUps = startUps_;
  a.mw = mw_;
  a.pickleOffsets = pickleOffsets_;
  a.pickleData = pickleData_;
  a.columns = columns_;
  a.bitFrequency = bitFrequency_;
  a.morgan = morgan_;
  a.sketches = sketches_;
  a.morganRow = morganRow_;
  a.morganCount = morganCount_;
  a.binStart = binStart_;
  return a;
}

std::unique_ptr<IndexSegment> IndexSegment::tail(std::size_t capacity) {
  std::unique_ptr<IndexSegment> s(new IndexSegment);
  Owned& o = s->own_;
  s->capacity_ = capacity;
  o.ids.resize(capacity);
  o.startUps.resize(capacity);
  s->flags_.reset(new std::atomic<std::uint8_t>[capacity]);
  for (std::size_t r = 0; r < capacity; ++r) s->flags_[r].store(0, std::memory_order_relaxed);
  o.mw.resize(capacity);
  o.picklesTail.resize(capacity);
  o.patternRows.resize(capacity * kWords);
  o.morgan.resize(capacity * kWords);
  o.sketches.resize(capacity * chem::kSketchBytes);
  o.morganCount.resize(capacity);
  s->pointAtOwned();
  return s;
}

void IndexSegment::append(std::int64_t id, std::int64_t startUpId, std::uint8_t flags, double mw,
                          std::string_view morganFp, std::string_view patternFp,
                          std::string_view pickle) {
  const std::size_t r = size_.load(std::memory_order_relaxed);
  if (sealed_ || r >= capacity_) throw internalError("search index: append to a full segment");
  Owned& o = own_;
  o.ids[r] = id;
  o.startUps[r] = static_cast<std::int32_t>(startUpId);
  flags_[r].store(flags, std::memory_order_relaxed);
  o.mw[r] = mw;
  o.picklesTail[r].assign(pickle.data(), pickle.size());
  copyFingerprint(patternFp, o.patternRows.data() + r * kWords);
  copyFingerprint(morganFp, o.morgan.data() + r * kWords);
  chem::makeSketch(o.morgan.data() + r * kWords, o.sketches.data() + r * chem::kSketchBytes);
  o.morganCount[r] = static_cast<std::uint16_t>(chem::popcountWords(o.morgan.data() + r * kWords, kWords));
  size_.store(r + 1, std::memory_order_release);
}

std::unique_ptr<IndexSegment> IndexSegment::sealCopy() const {
  const std::size_t n = size();
  Builder builder(n);
  for (std::size_t r = 0; r < n; ++r) {
    auto bytes = [](const std::uint64_t* words) {
      return std::string_view(reinterpret_cast<const char*>(words), kFpBytes);
    };
    builder.add(ids_[r], startUps_[r], flags(r), mw_[r], bytes(morgan(r)), bytes(patternRow(r)),
                pickle(r));
  }
  return builder.build();
}

std::string_view IndexSegment::pickle(std::size_t row) const {
  if (!sealed_) return own_.picklesTail[row];
  return std::string_view(pickleData_ + pickleOffsets_[row],
                          pickleOffsets_[row + 1] - pickleOffsets_[row]);
}

std::int64_t IndexSegment::rowOf(std::int64_t id) const {
  const std::size_t n = size();
  const std::int64_t* end = ids_ + n;
  const std::int64_t* it = std::lower_bound(ids_, end, id);
  if (it == end || *it != id) return -1;
  return it - ids_;
}

std::size_t IndexSegment::memoryBytes() const {
  const Owned& o = own_;
  std::size_t bytes = o.ids.capacity() * 8 + o.startUps.capacity() * 4 + capacity_ +
                      o.mw.capacity() * 8 + o.pickleOffsets.capacity() * 8 +
                      o.pickleData.capacity() + o.columns.capacity() * 8 +
                      o.patternRows.capacity() * 8 + o.morgan.capacity() * 8 +
                      o.sketches.capacity() + o.morganRow.capacity() * 4 +
                      o.morganCount.capacity() * 2;
  for (const auto& p : o.picklesTail) bytes += p.capacity() > 15 ? p.capacity() : 0;
  return bytes + o.picklesTail.capacity() * sizeof(std::string);
}

std::size_t IndexSegment::mappedBytes() const { return mappedBytes_; }

std::size_t IndexSnapshot::compounds() const {
  std::size_t n = 0;
  for (const auto& s : segments) n += s->size();
  return n;
}

// ---- SearchIndex -----------------------------------------------------------------------

SearchIndex::SearchIndex(db::Database& database, SearchIndexOptions options)
    : db_(database), options_(options) {
  auto empty = std::make_shared<IndexSnapshot>();
  empty->segments.push_back(IndexSegment::tail(options_.tailCapacity));
  std::atomic_store(&snapshot_, std::shared_ptr<const IndexSnapshot>(empty));
}

SearchIndex::~SearchIndex() { waitForSnapshotWriter(); }

std::shared_ptr<const IndexSnapshot> SearchIndex::snapshot() const {
  return std::atomic_load(&snapshot_);
}

std::vector<std::shared_ptr<IndexSegment>> SearchIndex::buildSegmentsLocked(db::Connection& c,
                                                                            std::int64_t afterId) {
  std::vector<std::future<std::unique_ptr<IndexSegment>>> building;
  auto builder = std::make_unique<IndexSegment::Builder>(options_.loadSegmentRows);
  db::scanCompounds(c, afterId, [&](const db::CompoundScanRow& row) {
    builder->add(row.id, row.startUpId, rowFlags(row.visibility, row.retired), row.mw,
                 row.morganFp, row.patternFp, row.pickle);
    maxId_ = row.id;
    if (builder->size() >= options_.loadSegmentRows) {
      std::shared_ptr<IndexSegment::Builder> full(builder.release());
      building.push_back(std::async(std::launch::async, [full] { return full->build(); }));
      builder = std::make_unique<IndexSegment::Builder>(options_.loadSegmentRows);
    }
  });
  std::vector<std::shared_ptr<IndexSegment>> segments;
  for (auto& f : building) segments.push_back(f.get());
  if (builder->size() > 0) segments.push_back(builder->build());
  return segments;
}

void SearchIndex::loadFromDatabaseLocked() {
  db_.snapshot([&](db::Connection& c) {
    maxId_ = 0;
    changedSince_ = db::compoundsWatermark(c);
    auto segments = buildSegmentsLocked(c, 0);
    segments.push_back(IndexSegment::tail(options_.tailCapacity));
    auto snap = std::make_shared<IndexSnapshot>();
    snap->segments = std::move(segments);
    std::atomic_store(&snapshot_, std::shared_ptr<const IndexSnapshot>(snap));
  });
  snapshotRows_ = 0;
}

namespace {

std::string sampleDigest(db::Connection& c, const std::vector<std::int64_t>& sampleIds) {
  std::vector<std::string> hashes = db::fullHashesOf(c, sampleIds);
  std::string text;
  for (std::size_t i = 0; i < sampleIds.size(); ++i) {
    text += std::to_string(sampleIds[i]) + ":" + hashes[i] + "\n";
  }
  return sha256Hex(text);
}

std::vector<std::int64_t> sampleIdsOf(const std::vector<std::shared_ptr<IndexSegment>>& sealed) {
  std::vector<std::int64_t> ids;
  for (const auto& s : sealed) {
    for (std::size_t r = 0; r < s->size(); ++r) ids.push_back(s->id(r));
  }
  return snapshotSampleIds(ids);
}

}  // namespace

bool SearchIndex::loadFromSnapshotLocked(std::string& whyNot) {
  std::optional<MappedIndexSnapshot> mapped = openIndexSnapshot(options_.snapshotPath, whyNot);
  if (!mapped) return false;
  const SnapshotIdentity& id = mapped->identity;
  bool used = false;
  db_.snapshot([&](db::Connection& c) {
    // The file must describe this database as it is now, up to rows added since.
    if (db::schemaVersion(c) != id.schemaVersion) {
      whyNot = "stale: the database schema changed (migration " +
               std::to_string(db::schemaVersion(c)) + ", snapshot " +
               std::to_string(id.schemaVersion) + ")";
      return;
    }
    const std::int64_t generation = db::searchIndexGeneration(c);
    if (generation != id.generation) {
      whyNot = "stale: indexed columns were rewritten since the snapshot (change counter " +
               std::to_string(generation) + ", snapshot " + std::to_string(id.generation) + ")";
      return;
    }
    const std::int64_t total = db::countCompounds(c);
    const std::int64_t after = db::countCompoundsAfter(c, id.maxId);
    if (total - after != static_cast<std::int64_t>(id.compounds)) {
      whyNot = "stale: the database has " + std::to_string(total - after) +
               " compounds up to id " + std::to_string(id.maxId) + ", the snapshot " +
               std::to_string(id.compounds) + " (another or an older database)";
      return;
    }
    if (sampleDigest(c, sampleIdsOf(mapped->segments)) != id.sampleDigest) {
      whyNot = "stale: sampled compounds differ from the database's (another database)";
      return;
    }
    maxId_ = id.maxId;
    changedSince_ = id.watermark;
    auto segments = mapped->segments;
    // Rows registered since the file was written, as sealed segments.
    for (auto& s : buildSegmentsLocked(c, id.maxId)) segments.push_back(std::move(s));
    segments.push_back(IndexSegment::tail(options_.tailCapacity));
    auto snap = std::make_shared<IndexSnapshot>();
    snap->segments = std::move(segments);
    std::atomic_store(&snapshot_, std::shared_ptr<const IndexSnapshot>(snap));
    used = true;
  });
  if (used) snapshotRows_ = id.compounds;
  return used;
}

void SearchIndex::load() {
  std::lock_guard<std::mutex> lock(writeMutex_);
  auto started = std::chrono::steady_clock::now();
  bool writeNew = false;
  std::string status = "off";
  if (!options_.snapshotPath.empty()) {
    std::string whyNot;
    if (loadFromSnapshotLocked(whyNot)) {
      status = "snapshot";
    } else {
      status = "rebuilt: " + whyNot;
      loadFromDatabaseLocked();
      writeNew = true;
    }
  } else {
    loadFromDatabaseLocked();
  }
  // Visibility and retirement changed since the watermark (none after a full load).
  syncLocked();
  if (!options_.snapshotPath.empty() && !writeNew) {
    writeNew = std::atomic_load(&snapshot_)->compounds() >=
               options_.snapshotRefreshRows + snapshotRows_;
  }
  loadSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  loaded_ = true;
  {
    std::lock_guard<std::mutex> statusLock(statusMutex_);
    snapshotStatus_ = status;
  }
  if (writeNew) scheduleSnapshotWrite();
}
void SearchIndex::appendLocked(std::int64_t id, std::int64_t startUpId, std::uint8_t flags,
                               double mw, std::string_view morganFp, std::string_view patternFp,
                               std::string_view pickle) {
  auto snap = std::atomic_load(&snapshot_);
  IndexSegment* tail = snap->segments.back().get();
  if (tail->size() >= tail->capacity()) {
    // Seal the full tail and publish a new snapshot with a fresh one.
    auto next = std::make_shared<IndexSnapshot>();
    next->segments = snap->segments;
    next->segments.back() = tail->sealCopy();
    next->segments.push_back(IndexSegment::tail(options_.tailCapacity));
    tail = next->segments.back().get();
    std::atomic_store(&snapshot_, std::shared_ptr<const IndexSnapshot>(next));
  }
  tail->append(id, startUpId, flags, mw, morganFp, patternFp, pickle);
}

void SearchIndex::refreshFlagsLocked(std::int64_t id, std::uint8_t flags) {
  auto snap = std::atomic_load(&snapshot_);
  for (const auto& segment : snap->segments) {
    std::int64_t row = segment->rowOf(id);
    if (row >= 0) {
      segment->setFlags(static_cast<std::size_t>(row), flags);
      return;
    }
  }
}

void SearchIndex::sync() {
  std::lock_guard<std::mutex> lock(writeMutex_);
  syncLocked();
}

void SearchIndex::trySync() {
  std::unique_lock<std::mutex> lock(writeMutex_, std::try_to_lock);
  if (lock.owns_lock()) syncLocked();
}

void SearchIndex::syncLocked() {
  db_.read([&](db::Connection& c) {
    db::scanCompounds(c, maxId_, [&](const db::CompoundScanRow& row) {
      appendLocked(row.id, row.startUpId, rowFlags(row.visibility, row.retired), row.mw,
                   row.morganFp, row.patternFp, row.pickle);
      maxId_ = row.id;
    });
    std::string watermark = changedSince_;
    db::scanChangedCompounds(c, changedSince_, maxId_, [&](const db::CompoundFlagsRow& row) {
      refreshFlagsLocked(row.id, rowFlags(row.visibility, row.retired));
      watermark = std::max(watermark, std::string(row.updatedAt));
    });
    changedSince_ = watermark;
  });
  if (!options_.snapshotPath.empty() && loaded_ &&
      std::atomic_load(&snapshot_)->compounds() >= options_.snapshotRefreshRows + snapshotRows_) {
    scheduleSnapshotWrite();
  }
}

bool SearchIndex::writeSnapshot() {
  if (options_.snapshotPath.empty()) return false;
  // What to write, taken under the writer's mutex so that flags and watermark agree: every
  // change up to the watermark is in the flags (later ones are applied again at load).
  std::vector<std::shared_ptr<IndexSegment>> sealed;
  std::vector<std::vector<std::uint8_t>> flags;
  SnapshotIdentity identity;
  try {
    // Read before the rows are taken: a rewrite after this point leaves the file with an
    // older counter than the database's, so it is rebuilt rather than trusted.
    identity.generation = db_.read([](db::Connection& c) { return db::searchIndexGeneration(c); });
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> statusLock(statusMutex_);
    lastWriteError_ = e.what();
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(writeMutex_);
    auto snap = std::atomic_load(&snapshot_);
    for (const auto& segment : snap->segments) {
      if (!segment->sealed() || segment->size() == 0) continue;
      sealed.push_back(segment);
      std::vector<std::uint8_t> f(segment->size());
      for (std::size_t r = 0; r < f.size(); ++r) f[r] = segment->flags(r);
      flags.push_back(std::move(f));
      identity.compounds += segment->size();
      identity.maxId = segment->id(segment->size() - 1);
    }
    identity.watermark = changedSince_;
  }
  try {
    db_.snapshot([&](db::Connection& c) {
      identity.schemaVersion = db::schemaVersion(c);
      identity.sampleDigest = sampleDigest(c, sampleIdsOf(sealed));
    });
    writeIndexSnapshot(options_.snapshotPath, identity, sealed, flags);
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> statusLock(statusMutex_);
    lastWriteError_ = e.what();
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(writeMutex_);
    snapshotRows_ = identity.compounds;
  }
  std::lock_guard<std::mutex> statusLock(statusMutex_);
  ++snapshotsWritten_;
  lastWriteError_.clear();
  return true;
}

void SearchIndex::scheduleSnapshotWrite() {
  if (writerBusy_.exchange(true)) return;  // one writer at a time
  // The previous writer cleared writerBusy_ as its last step: joining it never waits long.
  std::lock_guard<std::mutex> joinLock(writerJoinMutex_);
  if (writer_.joinable()) writer_.join();
  writer_ = std::thread([this] {
    if (!writeSnapshot()) {
      std::lock_guard<std::mutex> statusLock(statusMutex_);
      std::cerr << "search index: snapshot not written: " << lastWriteError_ << std::endl;
    }
    writerBusy_.store(false);
  });
}

void SearchIndex::waitForSnapshotWriter() {
  std::lock_guard<std::mutex> lock(writerJoinMutex_);
  if (writer_.joinable()) writer_.join();
}

SearchIndexStats SearchIndex::stats() const {
  auto snap = snapshot();
  SearchIndexStats s;
  s.segments = snap->segments.size();
  for (const auto& segment : snap->segments) {
    s.compounds += segment->size();
    s.memoryBytes += segment->memoryBytes();
    s.mappedBytes += segment->mappedBytes();
    if (segment->size()) s.maxId = std::max(s.maxId, segment->id(segment->size() - 1));
  }
  s.loadSeconds = loadSeconds_;
  std::lock_guard<std::mutex> statusLock(statusMutex_);
  s.snapshotStatus = snapshotStatus_;
  s.snapshotsWritten = snapshotsWritten_;
  return s;
}

}  // namespace argan::server
