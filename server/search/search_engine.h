// Structure search over the in-memory index (search_index.h): substructure and similarity
// scans with the caller's filters applied inside the scan, on a small pool of threads.
//
// Filters (ScanFilter) are checked on every candidate before it may become a hit, so a
// filtered search returns every hit that passes the filter, never a page shortened after
// the fact. The visibility rule is part of every filter (db/access.h semantics: admin all;
// lead/member own start-up + cluster + public; partner/anonymous public only).
//
// Threads: a SearchEngine may be used from any number of threads at once; each call runs on
// the calling thread plus the engine's helper threads. Snapshots keep the index data alive
// for the duration of a call.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chem/substructure_query.h"
#include "db/access.h"
#include "server/search/search_index.h"

namespace argan::server {

// Runs index loops on the calling thread plus `helpers` threads.
class WorkerPool {
 public:
  explicit WorkerPool(unsigned helpers);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Calls fn(i) for every i in [0, n), spread over the caller and idle helpers; returns when
  // all calls are done. The first exception thrown by fn is rethrown here (remaining
  // indices are skipped).
  void parallelFor(std::size_t n, const std::function<void(std::size_t)>& fn);
  unsigned threads() const { return static_cast<unsigned>(helpers_.size()) + 1; }

 private:
  struct Job;
  void helperLoop();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> helpers_;
};

// Which rows a search may return. Built per request from the caller and the request's filters.
struct ScanFilter {
  db::Principal viewer;                    // the visibility rule
  std::vector<std::int64_t> startUps;      // sorted; empty: any start-up
  std::optional<std::uint8_t> visibility;  // kRowStartUp / kRowCluster / kRowPublic
  std::optional<double> mwMin;
  std::optional<double> mwMax;
  bool includeRetired = false;
  // Pluggable filters resolved to compound ids (e.g. product stage), sorted; null: any.
  std::shared_ptr<const std::vector<std::int64_t>> compoundIds;
  std::optional<std::int64_t> excludeStartUp;  // comparisons: "in other start-ups"
  std::optional<std::int64_t> excludeId;       // neighbours: not the compound itself

  bool accepts(const IndexSegment& segment, std::size_t row) const;
};

struct SearchHit {
  std::int64_t id = 0;
  std::int64_t startUpId = 0;
  double score = 0;                // Tanimoto for similarity
  std::vector<int> matchedAtoms;   // substructure hits on the requested page
};

struct SearchOutcome {
  std::vector<SearchHit> hits;     // in result order (see each search)
  std::int64_t total = 0;          // hits found; exact when `complete`
  bool complete = true;            // false: stopped by the page, the hit cap or the budget
  std::string stoppedBy;           // "", "page", "hit_cap", "time_budget", "cancelled"
  std::size_t candidates = 0;      // rows that passed the screen and the filter
};

struct SubstructureOptions {
  // Stop once this many hits are found (the end of the requested page + 1, so that the
  // answer knows there is more); 0 scans everything (up to the cap).
  std::size_t stopAfter = 0;
  std::size_t maxHits = 10000;  // hit cap
  // Holds inside every match too (chem::MatchLimit): a match still running at the deadline
  // is stopped, and the search answers what it found before it ("time_budget").
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Set (e.g. the server is stopping): running matches stop at once ("cancelled").
  const std::atomic<bool>* cancel = nullptr;
  // Hits [atomsFrom, atomsTo) get their matched atoms.
  std::size_t atomsFrom = 0;
  std::size_t atomsTo = 0;
};

struct SimilarityOptions {
  double threshold = 0;         // Tanimoto floor (hits have score >= threshold)
  std::size_t k = 0;            // top-k; 0: every hit above the threshold (up to maxHits)
  std::size_t maxHits = 10000;  // hit cap for threshold searches (the best are kept)
};

class SearchEngine {
 public:
  explicit SearchEngine(unsigned threads);

  // Hits in ascending compound id (stable across pages). Throws InvalidArgument if the
  // query cannot be compiled.
  SearchOutcome substructure(const IndexSnapshot& index, const chem::SubstructureQuerySpec& query,
                             const ScanFilter& filter, const SubstructureOptions& options);

  // Rows of the whole index (no filter) whose pattern fingerprint holds every bit of the
  // query's: what the screen would pass, the estimate of a query's selectivity. Bit columns
  // only (no matching): well under a millisecond per 100 000 rows.
  std::size_t screenCandidates(const IndexSnapshot& index,
                               const chem::SubstructureQuerySpec& query) const;

  // Hits by descending Tanimoto, then ascending id. `morganFp` is a packed fingerprint.
  // Top-k (k > 0): the k best (total = hits returned, complete). Threshold (k == 0): every
  // hit >= threshold is counted (total exact); the best maxHits are returned, complete when
  // total <= maxHits.
  SearchOutcome similarity(const IndexSnapshot& index, const std::string& morganFp,
                           const ScanFilter& filter, const SimilarityOptions& options);

  unsigned threads() const { return pool_.threads(); }

 private:
  WorkerPool pool_;
};

}  // namespace argan::server
