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

#include "db/access.h"
#include "db/registry_store.h"
#include "server/services.h"

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

struct BulkResult {
  std::vector<BulkVerdict> verdicts;  // one per record, same order
  std::size_t newCompounds = 0;
  std::size_t newForms = 0;
  std::size_t newBatches = 0;
  std::size_t rejected = 0;
  double seconds = 0;
};

// Registers `records` into `startUpId` for `who`. Throws PermissionDenied (who may not
// register for the start-up) or NotFound (no such start-up) before touching anything;
// every other problem is a per-record verdict. Database failures (Unavailable) abort the
// remaining records: chunks already committed stay committed, and the exception says how
// many were.
BulkResult registerBulk(Services& services, const db::Principal& who, std::int64_t startUpId,
                        const std::vector<BulkRecord>& records, const BulkOptions& options = {});

}  // namespace argan::server
