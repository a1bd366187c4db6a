// Bulk registration: many structures for one start-up, analysed in parallel and stored in
// chunked transactions, with a verdict per record.
//
// The registration rule is the same as for one structure (registration.h): each record
// becomes a new parent, a new form or a new batch. Structures are analysed through
// ChemService on `threads` threads (bounded by ChemService's own workers); records are then
// written in transactions of `chunkSize`, each record inside its own SAVEPOINT, so a record
// that fails (bad batch fields, a retired parent, a constraint) is rolled back alone and
// reported as rejected while the others commit. Analysis of the next chunk overlaps the
// write of the current one. The search index is told after every committed chunk.
//
// The same pipeline (runChunkedWrites) drives the file importer (importer.h), which reads
// its records from a stream chunk by chunk.
//
// Threads: call from any thread; it blocks until every record has a verdict. Records of the
// input are never reordered: verdicts[i] answers records[i], and registrations commit in
// input order (two records with the same structure: the first is the new parent, the
// second a new batch).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "db/access.h"
#include "db/registry_store.h"
#include "server/core/runtime.h"

namespace argan::server {

struct BulkRecord {
  std::string structure;     // SMILES, CXSMILES or Molfile text (untrusted)
  std::string format;        // "smiles" | "molfile" | "" (detect)
  db::BatchInput batch;      // batch fields; submittedStructure/Format are filled in here
};

struct BulkVerdict {
  std::string outcome;       // "new_compound" | "new_form" | "new_batch" | "rejected"
  std::int64_t compoundId = 0;   // 0 when rejected
  std::string compoundCode;      // "CMP-000123"
  std::string formCode;          // "CMP-000123-F1"
  std::string batchCode;         // "CMP-000123-F1-B001"
  std::string reason;        // why rejected: the argan::Error message
  std::string errorCode;     // "INVALID_ARGUMENT", ... (rejected only)
  std::string field;         // details.field of the error when there is one
  std::vector<std::string> warnings;  // parser warnings
};

struct BulkOptions {
  std::size_t chunkSize = 500;  // records per write transaction
  unsigned threads = 2;         // concurrent analyses
  // Called after each committed chunk with (records done, records total). Optional.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct ChunkedWriteStats {
  std::size_t chunks = 0;        // committed
  std::size_t records = 0;       // in committed chunks
  bool stopped = false;          // stopRequested() ended it before the input did
  double prepareSeconds = 0;     // wall time of the preparing phases (overlapping writes)
  double writeSeconds = 0;       // wall time inside write transactions, commit included
  double waitSeconds = 0;        // the writer waiting for a chunk to be prepared
};

struct BulkResult {
  std::vector<BulkVerdict> verdicts;  // one per record, same order
  std::size_t newCompounds = 0;
  std::size_t newForms = 0;
  std::size_t newBatches = 0;
  std::size_t rejected = 0;
  double seconds = 0;
  ChunkedWriteStats stats;  // where the time went
};

// Registers `records` into `startUpId` for `who`. Throws PermissionDenied (who may not
// register for the start-up) or NotFound (no such start-up) before touching anything;
// every other problem is a per-record verdict. Database failures (Unavailable) abort the
// remaining records: chunks already committed stay committed, and the exception says how
// many were.
BulkResult registerBulk(Runtime& runtime, const db::Principal& who, std::int64_t startUpId,
                        const std::vector<BulkRecord>& records, const BulkOptions& options = {});

// ---------------------------------------------------------------------------------------
// The pipeline under registerBulk and runImport.
//
// A job holds two chunk slots (0 and 1). runChunkedWrites repeatedly
//   1. read(slot, max)   fills a slot with the next records (the calling thread);
//   2. prepare(slot, i)  runs for every record of the slot on `threads` threads at once
//                        (chemistry; must be safe for distinct i concurrently);
//   3. writes the slot in ONE transaction (Database::write): for each record in order,
//      SAVEPOINT, write(c, slot, i), RELEASE; when write throws an argan::Error that is not
//      Unavailable/Internal, ROLLBACK TO the savepoint and writeFailed(c, slot, i, error)
//      (still inside the transaction: e.g. the rejection row); then endChunk(c, slot);
//      COMMIT;
//   4. committed(slot)   after the commit (the calling thread), then the search index is
//                        told (notifyCompoundsChanged).
// Preparing chunk n+1 overlaps writing chunk n. stopRequested() is asked after each commit:
// true stops there (a chunk prepared but not written is dropped, nothing of it stored).
//
// Failure: an exception from prepare() is kept and rethrown when the writer reaches that
// record, which rolls the whole chunk back (every earlier chunk stays committed); so are
// Unavailable/Internal errors from write() and any exception from read(), endChunk() or
// the commit. Either way a chunk commits entirely or not at all.
class ChunkedWriteJob {
 public:
  virtual ~ChunkedWriteJob() = default;
  // Fills `slot` with at most `max` records; returns how many (0: the input is exhausted).
  virtual std::size_t read(int slot, std::size_t max) = 0;
  virtual void prepare(int slot, std::size_t index) = 0;
  virtual void write(db::Connection& c, int slot, std::size_t index) = 0;
  virtual void writeFailed(db::Connection& c, int slot, std::size_t index, const Error& error) = 0;
  virtual void endChunk(db::Connection& /*c*/, int /*slot*/) {}
  virtual void committed(int /*slot*/) {}
  virtual bool stopRequested() { return false; }
};


ChunkedWriteStats runChunkedWrites(Runtime& runtime, ChunkedWriteJob& job,
                                   std::size_t chunkSize, unsigned threads);

}  // namespace argan::server
