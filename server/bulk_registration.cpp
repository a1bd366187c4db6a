#include "server/bulk_registration.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "chem/input_check.h"
#include "common/error.h"
#include "db/start_up_store.h"
#include "server/registration.h"
#include "server/search_service.h"

namespace argan::server {
namespace {

struct Analysed {
  std::optional<db::CompoundIdentity> identity;
  db::FormIdentity form;
  db::BatchInput batch;
};

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

// Analyses records [begin, end) on `threads` threads; failures become verdicts.
std::vector<Analysed> analyseChunk(Services& services, const std::vector<BulkRecord>& records,
                                   std::size_t begin, std::size_t end, unsigned threads,
                                   std::vector<BulkVerdict>& verdicts) {
  std::vector<Analysed> out(end - begin);
  std::atomic<std::size_t> next{begin};
  auto work = [&] {
    for (;;) {
      std::size_t i = next.fetch_add(1);
      if (i >= end) return;
      const BulkRecord& record = records[i];
      Analysed& a = out[i - begin];
      try {
        db::validateBatchInput(record.batch);
        chem::StructureAnalysis analysis = services.chem.analyse(record.structure, record.format);
        a.identity = toCompoundIdentity(analysis);
        a.form = toFormIdentity(analysis);
        a.batch = record.batch;
        a.batch.submittedStructure = record.structure;
        a.batch.submittedFormat = chem::formatName(analysis.format);
        verdicts[i].warnings = std::move(analysis.warnings);
      } catch (const Error& e) {
        reject(verdicts[i], e);
      } catch (const std::exception& e) {
        reject(verdicts[i], internalError(std::string("analysis failed: ") + e.what()));
      }
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < std::max(1u, threads); ++t) helpers.emplace_back(work);
  work();
  for (auto& h : helpers) h.join();
  return out;
}

void writeChunk(Services& services, const db::Principal& who, std::int64_t startUpId,
                std::size_t begin, std::vector<Analysed>& analysed,
                std::vector<BulkVerdict>& verdicts) {
  services.db.write([&](db::Connection& c) {
    for (std::size_t k = 0; k < analysed.size(); ++k) {
      Analysed& a = analysed[k];
      BulkVerdict& v = verdicts[begin + k];
      if (!a.identity) continue;  // rejected by analysis
      c.exec("SAVEPOINT bulk_record");
      try {
        db::Registration r = db::registerCompound(c, services.clock, who, startUpId, *a.identity,
                                                  a.form, a.batch);
        c.exec("RELEASE bulk_record");
        v.outcome = db::outcomeName(r.outcome);
        v.compoundId = r.compound.id;
        v.compoundCode = r.compound.code();
        v.formCode = r.form.code();
        v.batchCode = r.batch.code();
      } catch (const Error& e) {
        c.exec("ROLLBACK TO bulk_record");
        c.exec("RELEASE bulk_record");
        if (e.code() == ErrorCode::Unavailable || e.code() == ErrorCode::Internal) throw;
        reject(v, e);
      }
    }
  });
}

}  // namespace

BulkResult registerBulk(Services& services, const db::Principal& who, std::int64_t startUpId,
                        const std::vector<BulkRecord>& records, const BulkOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  authorizeRegistration(who, startUpId);
  bool exists = services.db.read(
      [&](db::Connection& c) { return db::findStartUp(c, startUpId).has_value(); });
  if (!exists) {
    throw notFound("no start-up with id " + std::to_string(startUpId), {{"field", "start_up"}});
  }
  BulkResult result;
  result.verdicts.resize(records.size());
  const std::size_t chunk = std::max<std::size_t>(1, options.chunkSize);
  const unsigned threads = std::max(1u, options.threads);

  // Pipeline: analyse chunk i+1 while chunk i is written (the writer is one SQLite
  // connection; analysis is CPU-bound and parallel).
  std::size_t begin = 0;
  std::vector<Analysed> current;
  if (!records.empty()) {
    current = analyseChunk(services, records, 0, std::min(chunk, records.size()), threads,
                           result.verdicts);
  }
  while (begin < records.size()) {
    const std::size_t end = std::min(begin + chunk, records.size());
    std::future<std::vector<Analysed>> nextChunk;
    if (end < records.size()) {
      const std::size_t nextEnd = std::min(end + chunk, records.size());
      nextChunk = std::async(std::launch::async, [&, end, nextEnd] {
        return analyseChunk(services, records, end, nextEnd, threads, result.verdicts);
      });
    }
    try {
      writeChunk(services, who, startUpId, begin, current, result.verdicts);
    } catch (Error& e) {
      if (nextChunk.valid()) nextChunk.wait();
      notifyCompoundsChanged(services);
      e.with("committed_records", static_cast<std::int64_t>(begin));
      throw;
    }
    notifyCompoundsChanged(services);
    if (options.progress) options.progress(end, records.size());
    if (nextChunk.valid()) current = nextChunk.get();
    begin = end;
  }

  for (const auto& v : result.verdicts) {
    if (v.outcome == "new_compound") ++result.newCompounds;
    else if (v.outcome == "new_form") ++result.newForms;
    else if (v.outcome == "new_batch") ++result.newBatches;
    else ++result.rejected;
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace argan::server
