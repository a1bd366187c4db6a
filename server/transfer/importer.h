// Bulk import of structure files (SD, SMILES, CSV) into one start-up's registry.
//
// Every record read by chem::RecordReader gets one verdict, stored with the import
// (db/import_store.h):
//   registered        a new parent (compound + form 1 + batch 1)
//   new_form          a new salt/solvate form of a parent the start-up holds
//   new_batch         a new batch of a form the start-up holds
//   already_imported  the start-up already imported this very record (same structure text and
//                     data fields): nothing is registered, the verdict names the batch it made
//   rejected          with the reason and the record number / line; nothing is registered
// by the same registration rule as POST /api/compounds (server/registration.h).
//
// Records stream through the chunked pipeline of bulk_registration.h: read a chunk at a time
// (memory stays flat with file size), analysed on several threads, and written in one
// transaction per chunk in which each record has its own SAVEPOINT, registered together
// with its verdict row (and audit entries), and the import's progress row is updated. A bad
// record is rolled back alone and rejected: it never stops the import and never leaves a
// partial record. A crash loses at most the chunks not yet committed, and the import
// resumes after the last committed record. Verdict rows are written in record order.
//
// Data fields map onto batch fields (ImportOptions::fieldMap, else the default names of
// defaultBatchField); unmapped fields become batch properties.
//
// Threads: runImport blocks the calling thread; it reads the file and calls the observer on
// it, and analyses on pace.threads threads through runtime.chem.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chem/record_reader.h"
#include "db/compound_names.h"
#include "db/import_store.h"
#include "db/registry_store.h"
#include "server/registry/bulk_registration.h"
#include "server/core/runtime.h"

namespace argan::server {

// Where a data field goes.
enum class BatchField {
  Amount, Unit, Purity, PreparedOn, Researcher, NotebookRef, Storage, Notes,
  Name, Synonyms, Cas,  // the parent's names (db/compound_names.h), not the batch's
  Property,  // kept in batch.properties under its own name
  Ignore,    // dropped
};
const char* batchFieldName(BatchField field);  // "amount", ..., "property", "ignore"
// "amount", "unit", "purity", "prepared_on", "researcher", "notebook_ref" (or "notebook"),
// "storage", "notes", "property", "ignore"; nullopt otherwise.
std::optional<BatchField> parseBatchField(const std::string& name);

// The batch field a file field of this name maps to when the options do not say: names are
// compared ignoring case, spaces, '_', '-' and '.': amount/quantity/qty/mass (optionally with a
// unit suffix such as amount_mg), unit, purity, prepared_on/date/preparation_date,
// researcher/chemist/operator, notebook/notebook_ref/eln, storage/location, notes/comment;
// and the parent's names: name/compound_name/iupac_name/pubchem_iupac_name, synonyms
// (separated by ';' or '|'), cas/cas_rn/cas_number.
// The second member is the unit a suffixed amount name implies ("mg" for "amount_mg").
std::pair<BatchField, std::string> defaultBatchField(const std::string& fieldName);

struct ImportOptions {
  chem::RecordFileFormat format = chem::RecordFileFormat::Sdf;
  chem::RecordReaderOptions reader;
  // File field name (compared ignoring case) -> where it goes; overrides the defaults.
  std::map<std::string, BatchField> fieldMap;
  bool defaultMapping = true;  // apply defaultBatchField to fields not in fieldMap

  // As stored with an import (imports.options) and read back when it resumes:
  // {"format", "fields": {name: batch field}, "default_mapping", "structure_column",
  //  "delimiter"}. fromJson throws InvalidArgument naming the bad option.
  std::string toJson() const;
  static ImportOptions fromJson(const std::string& json);
};

// Fills a batch from a record's data fields. Throws InvalidArgument naming the file field,
// its line and the batch field (details {"field": "batch.amount", "line": n}).
db::BatchInput batchFromFields(const std::vector<chem::RecordField>& fields,
                               const ImportOptions& options);

// The parent's name, synonyms and CAS number from the fields mapped to them (the first
// name field is the name; further names become synonyms). Throws InvalidArgument like
// batchFromFields, and for a CAS number whose check digit is wrong.
db::CompoundNames namesFromFields(const std::vector<chem::RecordField>& fields,
                                  const ImportOptions& options);

// Told about each record and the progress once its chunk has committed (on the thread that
// called runImport, records in order); may stop the import between chunks.
class ImportObserver {
 public:
  virtual ~ImportObserver() = default;
  virtual void onRecord(const db::ImportRecord& /*record*/) {}
  // records: the last record number done; bytes: input consumed so far.
  virtual void onProgress(std::int64_t /*records*/, std::uint64_t /*bytes*/) {}
  // Checked before the first chunk and after each committed chunk: true leaves the import
  // 'running', to be resumed later.
  virtual bool stopRequested() { return false; }
};

// How an import runs (not stored with the import: a resumed import may run differently).
struct ImportPace {
  std::size_t chunkSize = 200;  // records per write transaction
  unsigned threads = 0;         // concurrent analyses; 0: runtime.config.chemWorkers
  // Who runs it (importClaimant()), and how long its claim holds without a committed chunk.
  std::string claimant;         // "": importClaimant("import")
  std::chrono::seconds lease{600};
};

// A name to claim imports under: "<role>:<host>:<pid>:<start time>:<nonce>" (the start time
// tells a reused pid apart; the nonce, two runners in one process). Any thread.
std::string importClaimant(const std::string& role);
// True when `claimant` (as importClaimant wrote it) is a process of this machine that no
// longer runs: its claim may be taken over at once instead of waiting for the lease.
bool claimantGone(const std::string& claimant);
// "argan serve (pid 1234 on host)" for messages.
std::string describeClaimant(const std::string& claimant);

struct ImportRun {
  db::ImportCounts counts;  // of this run (records done before a resume are not included)
  bool stopped = false;     // the observer asked to stop before the end
  ChunkedWriteStats stats;  // where the time went
};

// Runs the import `job` (created with db::createImport) over the records of `reader`,
// skipping records already done (record numbers up to db::lastRecordNumber, for resumes).
// Claims it (db::claimImport; a claim held by a live process answers FailedPrecondition with
// details {"reason": "claimed", "claimed_by"}), marks it running, and finished at the end of
// the input; every chunk commits only while the claim holds. Throws argan::Error for
// failures that are not one record's fault. A passing one (Unavailable: disk full, database
// busy or read-only) leaves the import running, unclaimed, to resume after the last
// committed chunk; any other (the CSV has no structure column, a damaged database) marks it
// failed with the message. The error is rethrown either way.
// `actor` must be allowed to register for the start-up (checked first: PermissionDenied).
// `progressBytes` reports the input position (defaults to reader.bytesRead()).
ImportRun runImport(Runtime& runtime, const db::Principal& actor, const db::Import& job,
                    chem::RecordReader& reader, const ImportOptions& options,
                    ImportObserver& observer,
                    std::function<std::uint64_t()> progressBytes = nullptr,
                    const ImportPace& pace = {});

// An import file opened for streaming: gzip-compressed files (magic 1f 8b) are inflated on
// the fly. position() is the offset in the file as stored (compressed bytes for .gz).
class ImportFile {
 public:
  // Throws Unavailable when the file cannot be opened.
  explicit ImportFile(const std::string& path);
  ~ImportFile();
  std::istream& stream();
  std::uint64_t position();
  std::uint64_t size() const { return size_; }
  bool compressed() const { return compressed_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t size_ = 0;
  bool compressed_ = false;
};

// The format of an import file from its first 64 KiB (decompressed when gzip):
// chem::detectRecordFileFormat. Throws Unavailable when it cannot be read.
chem::RecordFileFormat detectFileFormat(const std::string& path);

// SHA-256 (hex) and size of a file, read in chunks. Throws Unavailable.
std::pair<std::string, std::uint64_t> fileFingerprint(const std::string& path);

}  // namespace argan::server
