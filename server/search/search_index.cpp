#include "server/search/search_index.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>

#include "chem/bit_kernels.h"
#include "common/error.h"
#include "db/compound_scan.h"

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
  s->sealed_ = true;
  s->capacity_ = n;
  s->ids_ = std::move(ids_);
  s->startUps_ = std::move(startUps_);
  s->flags_.reset(new std::atomic<std::uint8_t>[n]);
  for (std::size_t r = 0; r < n; ++r) s->flags_[r].store(flags_[r], std::memory_order_relaxed);
  s->mw_ = std::move(mw_);
  s->pickleOffsets_ = std::move(pickleOffsets_);
  s->pickleData_ = std::move(pickleData_);
  s->pickleData_.shrink_to_fit();

  // Pattern fingerprints, bit-sliced: column `bit` has bit r set when row r has `bit`.
  s->columnWords_ = (n + 63) / 64;
  s->columns_.assign(2048 * s->columnWords_, 0);
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
        s->columns_[bit * s->columnWords_ + rowWord] |= rowBit;
        ++s->bitFrequency_[bit];
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
  s->binStart_[0] = 0;
  for (unsigned c = 0; c < 2049; ++c) s->binStart_[c + 1] = s->binStart_[c] + binSize[c];
  std::array<std::uint32_t, 2050> next = s->binStart_;
  s->morgan_.resize(n * kWords);
  s->sketches_.resize(n * chem::kSketchBytes);
  s->morganRow_.resize(n);
  s->morganCount_.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    std::uint32_t p = next[counts[r]]++;
    std::memcpy(s->morgan_.data() + p * kWords, morgan_.data() + r * kWords, kFpBytes);
    chem::makeSketch(s->morgan_.data() + p * kWords, s->sketches_.data() + p * chem::kSketchBytes);
    s->morganRow_[p] = static_cast<std::uint32_t>(r);
    s->morganCount_[p] = counts[r];
  }
  std::vector<std::uint64_t>().swap(morgan_);
  s->size_.store(n, std::memory_order_release);
  return s;
}

// ---- IndexSegment ----------------------------------------------------------------------

std::unique_ptr<IndexSegment> IndexSegment::tail(std::size_t capacity) {
  std::unique_ptr<IndexSegment> s(new IndexSegment);
  s->capacity_ = capacity;
  s->ids_.resize(capacity);
  s->startUps_.resize(capacity);
  s->flags_.reset(new std::atomic<std::uint8_t>[capacity]);
  for (std::size_t r = 0; r < capacity; ++r) s->flags_[r].store(0, std::memory_order_relaxed);
  s->mw_.resize(capacity);
  s->picklesTail_.resize(capacity);
  s->patternRows_.resize(capacity * kWords);
  s->morgan_.resize(capacity * kWords);
  s->sketches_.resize(capacity * chem::kSketchBytes);
  s->morganCount_.resize(capacity);
  return s;
}

void IndexSegment::append(std::int64_t id, std::int64_t startUpId, std::uint8_t flags, double mw,
                          std::string_view morganFp, std::string_view patternFp,
                          std::string_view pickle) {
  const std::size_t r = size_.load(std::memory_order_relaxed);
  if (sealed_ || r >= capacity_) throw internalError("search index: append to a full segment");
  ids_[r] = id;
  startUps_[r] = static_cast<std::int32_t>(startUpId);
  flags_[r].store(flags, std::memory_order_relaxed);
  mw_[r] = mw;
  picklesTail_[r].assign(pickle.data(), pickle.size());
  copyFingerprint(patternFp, patternRows_.data() + r * kWords);
  copyFingerprint(morganFp, morgan_.data() + r * kWords);
  chem::makeSketch(morgan_.data() + r * kWords, sketches_.data() + r * chem::kSketchBytes);
  morganCount_[r] = static_cast<std::uint16_t>(chem::popcountWords(morgan_.data() + r * kWords, kWords));
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
  if (!sealed_) return picklesTail_[row];
  return std::string_view(pickleData_.data() + pickleOffsets_[row],
                          pickleOffsets_[row + 1] - pickleOffsets_[row]);
}

std::int64_t IndexSegment::rowOf(std::int64_t id) const {
  const std::size_t n = size();
  auto end = ids_.begin() + static_cast<std::ptrdiff_t>(n);
  auto it = std::lower_bound(ids_.begin(), end, id);
  if (it == end || *it != id) return -1;
  return it - ids_.begin();
}

std::size_t IndexSegment::memoryBytes() const {
  std::size_t bytes = ids_.capacity() * 8 + startUps_.capacity() * 4 + capacity_ +
                      mw_.capacity() * 8 + pickleOffsets_.capacity() * 8 +
                      pickleData_.capacity() + columns_.capacity() * 8 +
                      patternRows_.capacity() * 8 + morgan_.capacity() * 8 +
                      sketches_.capacity() + morganRow_.capacity() * 4 +
                      morganCount_.capacity() * 2;
  for (const auto& p : picklesTail_) bytes += p.capacity() > 15 ? p.capacity() : 0;
  return bytes + picklesTail_.capacity() * sizeof(std::string);
}

std::size_t IndexSnapshot::compounds() const {
  std::size_t n = 0;
  for (const auto& s : segments) n += s->size();
  return n;
}

// ---- SearchIndex -----------------------------------------------------------------------

namespace {

}  // namespace

SearchIndex::SearchIndex(db::Database& database, SearchIndexOptions options)
    : db_(database), options_(options) {
  auto empty = std::make_shared<IndexSnapshot>();
  empty->segments.push_back(IndexSegment::tail(options_.tailCapacity));
  std::atomic_store(&snapshot_, std::shared_ptr<const IndexSnapshot>(empty));
}

SearchIndex::~SearchIndex() = default;

std::shared_ptr<const IndexSnapshot> SearchIndex::snapshot() const {
  return std::atomic_load(&snapshot_);
}

void SearchIndex::load() {
  std::lock_guard<std::mutex> lock(writeMutex_);
  auto started = std::chrono::steady_clock::now();
  std::vector<std::future<std::unique_ptr<IndexSegment>>> building;
  std::int64_t maxId = 0;
  std::string watermark;
  db_.snapshot([&](db::Connection& c) {
    watermark = db::compoundsWatermark(c);
    auto builder = std::make_unique<IndexSegment::Builder>(options_.loadSegmentRows);
    db::scanCompounds(c, 0, [&](const db::CompoundScanRow& row) {
      builder->add(row.id, row.startUpId, rowFlags(row.visibility, row.retired), row.mw,
                   row.morganFp, row.patternFp, row.pickle);
      maxId = row.id;
      if (builder->size() >= options_.loadSegmentRows) {
        std::shared_ptr<IndexSegment::Builder> full(builder.release());
        building.push_back(std::async(std::launch::async, [full] { return full->build(); }));
        builder = std::make_unique<IndexSegment::Builder>(options_.loadSegmentRows);
      }
    });
    if (builder->size() > 0) building.push_back(std::async(std::launch::deferred, [b = builder.get()] { return b->build(); }));
    // The deferred build runs below while `builder` is still alive.
    std::vector<std::shared_ptr<IndexSegment>> segments;
    for (auto& f : building) segments.push_back(f.get());
    segments.push_back(IndexSegment::tail(options_.tailCapacity));
    auto snap = std::make_shared<IndexSnapshot>();
    snap->segments = std::move(segments);
    std::atomic_store(&snapshot_, std::shared_ptr<const IndexSnapshot>(snap));
  });  maxId_ = maxId;
  changedSince_ = watermark;
  loadSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
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
}

SearchIndexStats SearchIndex::stats() const {
  auto snap = snapshot();
  SearchIndexStats s;
  s.segments = snap->segments.size();
  for (const auto& segment : snap->segments) {
    s.compounds += segment->size();
    s.memoryBytes += segment->memoryBytes();
    if (segment->size()) s.maxId = std::max(s.maxId, segment->id(segment->size() - 1));
  }
  s.loadSeconds = loadSeconds_;
  return s;
}

}  // namespace argan::server
