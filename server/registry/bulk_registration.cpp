#include "server/registry/bulk_registration.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "chem/input_check.h"
#include "common/error.h"
#include "db/start_up_store.h"
#include "server/registry/registration.h"
#include "server/search/structure_search.h"
#include "server/isolation/chem_service.h"

namespace argan::server {
namespace {

using Steady = std::chrono::steady_clock;

double secondsSince(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

void reject(BulkVerdict& v, const Error& e) {
  v.outcome = "rejected";
  v.reason = e.what();
  v.errorCode = errorCodeName(e.code());
  auto field = e.details().find("field");
  if (field != e.details().end() && std::holds_alternative<std::string>(field->second)) {
    v.field = std::get<std::string>(field->second);
  } else if (e.code() == ErrorCode::InvalidArgument) {
    v.field = "structure";
  }
}

bool isFatal(const Error& e) {
  return e.code() == ErrorCode::Unavailable || e.code() == ErrorCode::Internal;
}

// Runs prepare(slot, i) for i in [0, n) on `threads` threads; an exception is kept per record.
void prepareSlot(ChunkedWriteJob& job, int slot, std::size_t n, unsigned threads,
                 std::vector<std::exception_ptr>& errors) {
  errors.assign(n, nullptr);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (;;) {
      std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        job.prepare(slot, i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  const unsigned wanted = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), n));
  for (unsigned t = 1; t < wanted; ++t) helpers.emplace_back(work);
  work();
  for (auto& h : helpers) h.join();
}

// registerBulk's records, a chunk per slot.
class BulkJob : public ChunkedWriteJob {
 public:
  BulkJob(Runtime& runtime, const db::Principal& who, std::int64_t startUpId,
          const std::vector<BulkRecord>& records, const BulkOptions& options,
          std::vector<BulkVerdict>& verdicts)
      : runtime_(runtime), who_(who), startUpId_(startUpId), records_(records),
        options_(options), verdicts_(verdicts) {}

  std::size_t read(int slot, std::size_t max) override {
    Slot& s = slots_[slot];
    s.begin = next_;
    s.end = std::min(records_.size(), next_ + max);
    next_ = s.end;
    s.prepared.assign(s.end - s.begin, std::nullopt);
    return s.end - s.begin;
  }

  void prepare(int slot, std::size_t index) override {
    Slot& s = slots_[slot];
    const std::size_t i = s.begin + index;
    const BulkRecord& record = records_[i];
    try {
      db::validateBatchInput(record.batch);
      chem::StructureAnalysis analysis = runtime_.chem.analyse(record.structure, record.format);
      s.prepared[index] = prepareRegistration(analysis, record.structure, record.batch);
      verdicts_[i].warnings = std::move(analysis.warnings);
    } catch (const Error& e) {
      reject(verdicts_[i], e);
    } catch (const std::exception& e) {
      reject(verdicts_[i], internalError(std::string("analysis failed: ") + e.what()));
    }
  }

  void write(db::Connection& c, int slot, std::size_t index) override {
    Slot& s = slots_[slot];
    if (!s.prepared[index]) return;  // rejected by analysis
    BulkVerdict& v = verdicts_[s.begin + index];
    db::Registration r =
        registerPrepared(c, runtime_.clock, who_, startUpId_, *s.prepared[index]);
    v.outcome = db::outcomeName(r.outcome);
    v.compoundId = r.compound.id;
    v.compoundCode = r.compound.code();
    v.formCode = r.form.code();
    v.batchCode = r.batch.code();
  }

  void writeFailed(db::Connection&, int slot, std::size_t index, const Error& error) override {
    reject(verdicts_[slots_[slot].begin + index], error);
  }

  void committed(int slot) override {
    committed_ = slots_[slot].end;
    slots_[slot].prepared.clear();
    if (options_.progress) options_.progress(committed_, records_.size());
  }

  std::size_t committedRecords() const { return committed_; }

 private:
  struct Slot {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::vector<std::optional<PreparedRegistration>> prepared;
  };
  Runtime& runtime_;
  const db::Principal& who_;
  std::int64_t startUpId_;
  const std::vector<BulkRecord>& records_;
  const BulkOptions& options_;
  std::vector<BulkVerdict>& verdicts_;
  Slot slots_[2];
  std::size_t next_ = 0;
  std::size_t committed_ = 0;
};

}  // namespace

ChunkedWriteStats runChunkedWrites(Runtime& runtime, ChunkedWriteJob& job,
                                   std::size_t chunkSize, unsigned threads) {
  const std::size_t chunk = std::max<std::size_t>(1, chunkSize);
  ChunkedWriteStats stats;
  std::size_t count[2] = {0, 0};
  std::vector<std::exception_ptr> errors[2];
  // Reads and prepares a slot; runs on the calling thread for the first chunk, then on an
  // async task that overlaps the write of the previous chunk (the job's reader is only
  // ever used by one thread at a time: the tasks are sequenced by their futures).
  auto fill = [&](int slot) {
    auto started = Steady::now();
    count[slot] = job.read(slot, chunk);
    if (count[slot] > 0) prepareSlot(job, slot, count[slot], threads, errors[slot]);
    return secondsSince(started);
  };

  stats.prepareSeconds += fill(0);
  int current = 0;
  while (count[current] > 0) {
    const int next = 1 - current;
    std::future<double> nextChunk = std::async(std::launch::async, fill, next);
    auto writeStarted = Steady::now();
    try {
      runtime.db.write([&](db::Connection& c) {
        for (std::size_t i = 0; i < count[current]; ++i) {
          if (errors[current][i]) std::rethrow_exception(errors[current][i]);
          db::Savepoint record(c, "chunk_record");
          try {
            job.write(c, current, i);
            record.release();
          } catch (const Error& e) {
            record.rollback();
            if (isFatal(e)) throw;
            job.writeFailed(c, current, i, e);
          }
        }
        job.endChunk(c, current);
      });
    } catch (...) {
      nextChunk.wait();
      notifyCompoundsChanged(runtime);
      throw;
    }
    stats.writeSeconds += secondsSince(writeStarted);
    ++stats.chunks;
    stats.records += count[current];
    job.committed(current);
    notifyCompoundsChanged(runtime);
    if (job.stopRequested()) {
      nextChunk.wait();  // prepared but never written: dropped
      stats.stopped = true;
      return stats;
    }
    auto waitStarted = Steady::now();
    stats.prepareSeconds += nextChunk.get();  // rethrows a read failure
    stats.waitSeconds += secondsSince(waitStarted);
    current = next;
  }
  return stats;
}

BulkResult registerBulk(Runtime& runtime, const db::Principal& who, std::int64_t startUpId,
                        const std::vector<BulkRecord>& records, const BulkOptions& options) {
  const auto started = Steady::now();
  authorizeRegistration(who, startUpId);
  bool exists = runtime.db.read(
      [&](db::Connection& c) { return db::findStartUp(c, startUpId).has_value(); });
  if (!exists) {
    throw notFound("no start-up with id " + std::to_string(startUpId), {{"field", "start_up"}});
  }
  BulkResult result;
  result.verdicts.resize(records.size());
  BulkJob job(runtime, who, startUpId, records, options, result.verdicts);
  try {
    result.stats = runChunkedWrites(runtime, job, options.chunkSize, options.threads);
  } catch (Error& e) {
    e.with("committed_records", static_cast<std::int64_t>(job.committedRecords()));
    throw;
  }

  for (const auto& v : result.verdicts) {
    if (v.outcome == "new_compound") ++result.newCompounds;
    else if (v.outcome == "new_form") ++result.newForms;
    else if (v.outcome == "new_batch") ++result.newBatches;
    else ++result.rejected;
  }
  result.seconds = secondsSince(started);
  return result;
}

}  // namespace argan::server
