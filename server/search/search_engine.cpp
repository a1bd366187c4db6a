#include "server/search/search_engine.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <queue>

#include "chem/bit_kernels.h"
#include "chem/substructure.h"
#include "common/error.h"

namespace argan::server {

// ---- WorkerPool ------------------------------------------------------------------------

struct WorkerPool::Job {
  std::size_t n = 0;
  const std::function<void(std::size_t)>* fn = nullptr;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::condition_variable finished;
  unsigned active = 0;  // threads inside run()
  std::exception_ptr error;

  void run() {
    for (;;) {
      std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n || failed.load(std::memory_order_relaxed)) return;
      try {
        (*fn)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed.store(true);
      }
    }
  }
};

WorkerPool::WorkerPool(unsigned helpers) {
  for (unsigned i = 0; i < helpers; ++i) helpers_.emplace_back([this] { helperLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : helpers_) t.join();
}

void WorkerPool::helperLoop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = jobs_.front();
      jobs_.pop_front();
      std::lock_guard<std::mutex> jobLock(job->mutex);
      ++job->active;
    }
    job->run();
    std::lock_guard<std::mutex> jobLock(job->mutex);
    --job->active;
    job->finished.notify_all();
  }
}

void WorkerPool::parallelFor(std::size_t n, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  if (n == 1 || helpers_.empty()) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  auto job = std::make_shared<Job>();
  job->n = n;
  job->fn = &fn;
  std::size_t offered = std::min<std::size_t>(helpers_.size(), n - 1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < offered; ++i) jobs_.push_back(job);
  }
  for (std::size_t i = 0; i < offered; ++i) wake_.notify_one();
  job->run();
  {
    // Withdraw offers no helper has taken yet, then wait for helpers inside run().
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.erase(std::remove(jobs_.begin(), jobs_.end(), job), jobs_.end());
  }
  std::unique_lock<std::mutex> jobLock(job->mutex);
  job->finished.wait(jobLock, [&] { return job->active == 0; });
  if (job->error) std::rethrow_exception(job->error);
}

// ---- ScanFilter ------------------------------------------------------------------------

bool ScanFilter::accepts(const IndexSegment& s, std::size_t row) const {
  const std::uint8_t flags = s.flags(row);
  if (!includeRetired && (flags & kRowRetired)) return false;
  const std::uint8_t vis = flags & kRowVisibilityMask;
  const std::int64_t owner = s.startUp(row);
  const db::Visibility visibilityOfRow = rowVisibility(flags);
  if (!db::readScope(viewer).admits(owner, visibilityOfRow)) return false;
  if (visibility && vis != *visibility) return false;
  if (!startUps.empty() && !std::binary_search(startUps.begin(), startUps.end(), owner)) {
    return false;
  }
  if (excludeStartUp && owner == *excludeStartUp) return false;
  if (mwMin || mwMax) {
    const double mw = s.mw(row);
    if (mwMin && mw < *mwMin) return false;
    if (mwMax && mw > *mwMax) return false;
  }
  if (excludeId || compoundIds) {
    const std::int64_t id = s.id(row);
    if (excludeId && id == *excludeId) return false;
    if (compoundIds && !std::binary_search(compoundIds->begin(), compoundIds->end(), id)) {
      return false;
    }
  }
  return true;
}

// ---- substructure ----------------------------------------------------------------------

namespace {

struct Candidate {
  const IndexSegment* segment;
  std::uint32_t row;
};

constexpr std::size_t kBlockWords = 64;  // 4096 rows screened at a time

}  // namespace

SearchEngine::SearchEngine(unsigned threads) : pool_(threads > 1 ? threads - 1 : 0) {}

std::size_t SearchEngine::screenCandidates(const IndexSnapshot& index,
                                           const chem::SubstructureQuerySpec& query) const {
  std::uint64_t q[IndexSegment::kWords];
  chem::loadFingerprint(query.patternFingerprint, q);
  std::vector<unsigned> queryBits;
  for (unsigned w = 0; w < IndexSegment::kWords; ++w) {
    for (std::uint64_t bits = q[w]; bits; bits &= bits - 1) {
      queryBits.push_back(w * 64 + static_cast<unsigned>(__builtin_ctzll(bits)));
    }
  }
  std::size_t count = 0;
  for (const auto& segmentPtr : index.segments) {
    const IndexSegment& segment = *segmentPtr;
    const std::size_t rows = segment.size();
    if (rows == 0) continue;
    if (queryBits.empty()) {
      count += rows;
    } else if (segment.sealed()) {
      const std::size_t words = (rows + 63) / 64;
      for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t acc = ~std::uint64_t{0};
        for (unsigned bit : queryBits) {
          acc &= segment.column(bit)[w];
          if (!acc) break;
        }
        if (w + 1 == words && rows % 64) acc &= (std::uint64_t{1} << (rows % 64)) - 1;
        count += static_cast<std::size_t>(__builtin_popcountll(acc));
      }
    } else {
      for (std::size_t row = 0; row < rows; ++row) {
        const std::uint64_t* fp = segment.patternRow(row);
        bool all = true;
        for (unsigned w = 0; w < IndexSegment::kWords && all; ++w) all = (fp[w] & q[w]) == q[w];
        count += all;
      }
    }
  }
  return count;
}

SearchOutcome SearchEngine::substructure(const IndexSnapshot& index,
                                         const chem::SubstructureQuerySpec& query,
                                         const ScanFilter& filter,
                                         const SubstructureOptions& options) {
  // Matchers: one shared by every thread, or, for recursive SMARTS (RDKit keeps per-query
  // state), one per thread at a time, dropped after an interrupted match.
  auto first = std::make_unique<chem::SubstructureMatcher>(query);
  const bool perThread = first->recursive();
  std::mutex matchersMutex;
  std::vector<std::unique_ptr<chem::SubstructureMatcher>> idleMatchers;
  idleMatchers.push_back(std::move(first));
  auto takeMatcher = [&]() {
    {
      std::lock_guard<std::mutex> lock(matchersMutex);
      if (!idleMatchers.empty()) {
        auto m = std::move(idleMatchers.back());
        idleMatchers.pop_back();
        return m;
      }
    }
    return std::make_unique<chem::SubstructureMatcher>(query);
  };
  auto giveBack = [&](std::unique_ptr<chem::SubstructureMatcher> m) {
    std::lock_guard<std::mutex> lock(matchersMutex);
    idleMatchers.push_back(std::move(m));
  };
  std::unique_ptr<chem::SubstructureMatcher> shared;
  if (!perThread) shared = takeMatcher();
  chem::MatchLimit limit;
  limit.deadline = options.deadline;
  limit.cancel = options.cancel;
  auto cancelled = [&] {
    return options.cancel && options.cancel->load(std::memory_order_relaxed);
  };
  std::uint64_t q[IndexSegment::kWords];
  chem::loadFingerprint(query.patternFingerprint, q);
  std::vector<unsigned> queryBits;
  for (unsigned w = 0; w < IndexSegment::kWords; ++w) {
    for (std::uint64_t bits = q[w]; bits; bits &= bits - 1) {
      queryBits.push_back(w * 64 + static_cast<unsigned>(__builtin_ctzll(bits)));
    }
  }

  SearchOutcome out;
  const std::size_t cap = options.maxHits == 0 ? SIZE_MAX : options.maxHits;
  const std::size_t stopAfter = options.stopAfter == 0 ? SIZE_MAX : options.stopAfter;
  std::vector<Candidate> pending;
  std::size_t chunk = 64;
  bool stopped = false;

  // Verifies the pending candidates in parallel; appends hits in order.
  auto verify = [&]() {
    if (pending.empty() || stopped) return;
    std::vector<std::uint8_t> verdict(pending.size(), 0);  // 0 unchecked, 1 no, 2 hit
    std::atomic<bool> late{false};
    const std::size_t n = pending.size();
    const std::size_t grain = 16;
    pool_.parallelFor((n + grain - 1) / grain, [&](std::size_t g) {
      if (late.load(std::memory_order_relaxed)) return;
      if (std::chrono::steady_clock::now() > options.deadline || cancelled()) {
        late.store(true);
        return;
      }
      std::unique_ptr<chem::SubstructureMatcher> own;
      if (perThread) own = takeMatcher();
      const chem::SubstructureMatcher& matcher = perThread ? *own : *shared;
      std::size_t end = std::min(n, (g + 1) * grain);
      try {
        for (std::size_t i = g * grain; i < end; ++i) {
          if (late.load(std::memory_order_relaxed)) return;
          std::string_view p = pending[i].segment->pickle(pending[i].row);
          verdict[i] = matcher.matchPickle(p.data(), p.size(), nullptr, &limit) ? 2 : 1;
        }
      } catch (const chem::MatchInterrupted&) {
        late.store(true);
        return;  // an interrupted recursive matcher is not reused
      }
      if (own) giveBack(std::move(own));
    });
    for (std::size_t i = 0; i < n; ++i) {
      if (verdict[i] == 0) {  // the budget ran out before this one: keep the ordered prefix
        stopped = true;
        out.stoppedBy = cancelled() ? "cancelled" : "time_budget";
        break;
      }
      if (verdict[i] == 2) {
        SearchHit hit;
        hit.id = pending[i].segment->id(pending[i].row);
        hit.startUpId = pending[i].segment->startUp(pending[i].row);
        out.hits.push_back(std::move(hit));
        if (out.hits.size() >= cap) {
          stopped = true;
          out.stoppedBy = "hit_cap";
          break;
        }
        if (out.hits.size() >= stopAfter) {
          stopped = true;
          out.stoppedBy = "page";
          break;
        }
      }
    }
    pending.clear();
    chunk = std::min<std::size_t>(chunk * 2, 4096);
    if (!stopped && (std::chrono::steady_clock::now() > options.deadline || cancelled())) {
      stopped = true;
      out.stoppedBy = cancelled() ? "cancelled" : "time_budget";
    }
  };
  auto consider = [&](const IndexSegment& segment, std::size_t row) {
    if (!filter.accepts(segment, row)) return;
    ++out.candidates;
    pending.push_back({&segment, static_cast<std::uint32_t>(row)});
    if (pending.size() >= chunk) verify();
  };

  std::vector<std::uint64_t> acc(kBlockWords);
  for (std::size_t si = 0; si < index.segments.size() && !stopped; ++si) {
    const IndexSegment& segment = *index.segments[si];
    const std::size_t rows = segment.size();
    if (rows == 0) continue;
    if (segment.sealed()) {
      std::vector<unsigned> bits = queryBits;
      std::sort(bits.begin(), bits.end(), [&](unsigned a, unsigned b) {
        return segment.bitFrequency(a) < segment.bitFrequency(b);
      });
      if (!bits.empty() && segment.bitFrequency(bits[0]) == 0) continue;  // no candidates
      const std::size_t words = segment.columnWords();
      for (std::size_t w0 = 0; w0 < words && !stopped; w0 += kBlockWords) {
        const std::size_t len = std::min(kBlockWords, words - w0);
        bool any = true;
        if (bits.empty()) {
          std::fill(acc.begin(), acc.begin() + static_cast<std::ptrdiff_t>(len), ~0ULL);
        } else {
          std::memcpy(acc.data(), segment.column(bits[0]) + w0, len * 8);
          for (std::size_t b = 1; b < bits.size() && any; ++b) {
            any = chem::andInPlace(acc.data(), segment.column(bits[b]) + w0, len);
          }
        }
        if (!any) continue;
        for (std::size_t w = 0; w < len && !stopped; ++w) {
          for (std::uint64_t m = acc[w]; m && !stopped; m &= m - 1) {
            std::size_t row = (w0 + w) * 64 + static_cast<std::size_t>(__builtin_ctzll(m));
            if (row >= rows) break;
            consider(segment, row);
          }
        }
      }
    } else {
      for (std::size_t row = 0; row < rows && !stopped; ++row) {
        const std::uint64_t* fp = segment.patternRow(row);
        bool covers = true;
        for (std::size_t w = 0; w < IndexSegment::kWords && covers; ++w) {
          covers = (fp[w] & q[w]) == q[w];
        }
        if (covers) consider(segment, row);
      }
    }
  }
  verify();
  out.complete = !stopped;
  if (out.complete) out.stoppedBy.clear();
  out.total = static_cast<std::int64_t>(out.hits.size());

  // Matched atoms for the requested page (one more match each; the page is small).
  const std::size_t from = std::min(options.atomsFrom, out.hits.size());
  const std::size_t to = std::min(options.atomsTo, out.hits.size());
  if (from < to) {
    // Each of these matched before, within the budget; they get one second more, after which
    // a hit is answered without its atoms.
    chem::MatchLimit atomsLimit;
    if (options.deadline != std::chrono::steady_clock::time_point::max()) {
      atomsLimit.deadline = std::max(options.deadline, std::chrono::steady_clock::now()) +
                            std::chrono::seconds(1);
    }
    atomsLimit.cancel = options.cancel;
    pool_.parallelFor(to - from, [&](std::size_t i) {
      SearchHit& hit = out.hits[from + i];
      std::unique_ptr<chem::SubstructureMatcher> own;
      if (perThread) own = takeMatcher();
      const chem::SubstructureMatcher& matcher = perThread ? *own : *shared;
      try {
        for (const auto& segment : index.segments) {
          std::int64_t row = segment->rowOf(hit.id);
          if (row < 0) continue;
          std::string_view p = segment->pickle(static_cast<std::size_t>(row));
          matcher.matchPickle(p.data(), p.size(), &hit.matchedAtoms, &atomsLimit);
          break;
        }
      } catch (const chem::MatchInterrupted&) {
        hit.matchedAtoms.clear();
        return;
      }
      if (own) giveBack(std::move(own));
    });
  }
  return out;
}

// ---- similarity ------------------------------------------------------------------------

namespace {

struct Scored {
  double score;
  std::int64_t id;
  std::int64_t startUp;
};

// Best first: higher score, then lower id.
bool better(const Scored& a, const Scored& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

struct WorstOnTop {
  bool operator()(const Scored& a, const Scored& b) const { return better(a, b); }
};

class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) {}
  bool full() const { return heap_.size() >= k_; }
  double floor() const { return full() ? heap_.top().score : -1.0; }
  bool wouldTake(double score, std::int64_t id) const {
    return !full() || better(Scored{score, id, 0}, heap_.top());
  }
  void push(const Scored& s) {
    if (!full()) {
      heap_.push(s);
    } else if (better(s, heap_.top())) {
      heap_.pop();
      heap_.push(s);
    }
  }
  std::vector<Scored> sorted() {
    std::vector<Scored> v;
    while (!heap_.empty()) {
      v.push_back(heap_.top());
      heap_.pop();
    }
    std::sort(v.begin(), v.end(), better);
    return v;
  }

 private:
  std::size_t k_;
  std::priority_queue<Scored, std::vector<Scored>, WorstOnTop> heap_;
};

// Smallest intersection c with c / (a + b - c) >= s.
unsigned neededIntersection(double s, unsigned a, unsigned b) {
  if (s <= 0) return 0;
  double c = s * (a + b) / (1.0 + s);
  unsigned need = static_cast<unsigned>(std::ceil(c - 1e-9));
  return need;
}

}  // namespace

SearchOutcome SearchEngine::similarity(const IndexSnapshot& index, const std::string& morganFp,
                                       const ScanFilter& filter, const SimilarityOptions& options) {
  std::uint64_t q[IndexSegment::kWords];
  chem::loadFingerprint(morganFp, q);
  std::uint8_t qSketch[chem::kSketchBytes];
  chem::makeSketch(q, qSketch);
  const unsigned a = chem::popcountWords(q, IndexSegment::kWords);
  const double t = options.threshold;
  const bool topK = options.k > 0;
  TopK best(topK ? options.k : std::max<std::size_t>(options.maxHits, 1));
  std::int64_t count = 0;
  std::size_t candidates = 0;

  // The floor a new hit must reach: the threshold, raised to the k-th best in top-k mode.
  auto floorScore = [&]() { return topK && best.full() ? std::max(t, best.floor()) : t; };

  std::vector<std::uint16_t> bounds(1024);
  auto scanRange = [&](const IndexSegment& segment, std::size_t begin, std::size_t end,
                       unsigned b) {
    for (std::size_t p0 = begin; p0 < end; p0 += bounds.size()) {
      const std::size_t len = std::min(bounds.size(), end - p0);
      chem::sketchBounds(qSketch, segment.sketches() + p0 * chem::kSketchBytes, len,
                         bounds.data());
      for (std::size_t i = 0; i < len; ++i) {
        const std::size_t p = p0 + i;
        const unsigned bb = segment.sealed() ? b : segment.morganCount(p);
        const unsigned need = neededIntersection(floorScore(), a, bb);
        if (bounds[i] < need || (a + bb) == 0) continue;
        const unsigned c = chem::intersectionCount(q, segment.morgan(p));
        if (c < need) continue;
        const double score = static_cast<double>(c) / static_cast<double>(a + bb - c);
        if (score < t) continue;
        const std::size_t row = segment.morganRow(p);
        if (!filter.accepts(segment, row)) continue;
        ++candidates;
        ++count;
        const std::int64_t id = segment.id(row);
        if (best.wouldTake(score, id)) best.push({score, id, segment.startUp(row)});
      }
    }
  };

  for (const auto& segmentPtr : index.segments) {
    const IndexSegment& segment = *segmentPtr;
    const std::size_t rows = segment.size();
    if (rows == 0) continue;
    if (!segment.sealed()) {
      scanRange(segment, 0, rows, 0);
      continue;
    }
    // BitBound: a fingerprint with b bits scores at most min(a,b)/max(a,b). Visit bins
    // outward from b = a so that the k-th best rises early and prunes the rest.
    const unsigned maxBits = 2048;
    unsigned lo = a, hi = a + 1;  // next bins to visit: lo (downwards) and hi (upwards)
    bool down = true, up = true;
    auto binLimit = [&](unsigned b) {
      if (a == 0 && b == 0) return 1.0;
      return static_cast<double>(std::min(a, b)) / static_cast<double>(std::max(a, b));
    };
    while (down || up) {
      // Pick the side whose next bin has the higher bound.
      bool takeDown = down && (!up || binLimit(lo) >= binLimit(hi));
      unsigned b = takeDown ? lo : hi;
      if (binLimit(b) < floorScore() || (t > 0 && binLimit(b) < t)) {
        if (takeDown) down = false; else up = false;
        continue;
      }
      scanRange(segment, segment.binStart(b), segment.binStart(b + 1), b);
      if (takeDown) {
        if (lo == 0) down = false; else --lo;
      } else {
        if (hi >= maxBits) up = false; else ++hi;
      }
    }
  }

  SearchOutcome out;
  for (const Scored& s : best.sorted()) {
    SearchHit hit;
    hit.id = s.id;
    hit.startUpId = s.startUp;
    hit.score = s.score;
    out.hits.push_back(std::move(hit));
  }
  out.candidates = candidates;
  if (topK) {
    out.total = static_cast<std::int64_t>(out.hits.size());
    out.complete = true;
  } else {
    out.total = count;
    out.complete = static_cast<std::size_t>(count) <= options.maxHits;
    if (!out.complete) out.stoppedBy = "hit_cap";
  }
  return out;
}

}  // namespace argan::server
