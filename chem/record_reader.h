// Streaming readers for structure files: SD files (V2000 and V3000), SMILES files and CSV.
//
// A reader turns a byte stream into records, one at a time, at the text level: no RDKit.
// Memory is bounded by the largest record (options.maxRecordBytes), never by the file, so a
// 100 000-record SD file streams through in constant memory. Each record carries its
// 1-based record number, the 1-based line where it starts, the structure text, its title and
// its data fields (SD data items, the other CSV columns, the name column of a SMILES file),
// each with the line it came from.
//
// Every record's structure passes the checks of input_check.h (checkMolfile / checkSmiles)
// here, before any parser sees it. A record that fails them, or is broken at the text level
// (over the size limit, a truncated quoted CSV field, more cells than the header), is still
// returned, with `problem` set (message + file line): one bad record never stops the file.
// Only a problem with the file as a whole (a CSV without a structure column) throws
// argan::Error(InvalidArgument), from next() on the first call.
//
// A reader is a pure function of the bytes it reads (readRecords() is the same thing over a
// string, for tests and fuzzing). Not thread-safe: one reader per thread.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chem/input_check.h"
#include "chem/structure_limits.h"

namespace argan::chem {

enum class RecordFileFormat { Sdf, Smiles, Csv };

const char* recordFileFormatName(RecordFileFormat format);  // "sdf" | "smiles" | "csv"
// "sdf" (also "sd", "mol"), "smiles" (also "smi"), "csv" (also "tsv"); nullopt otherwise.
std::optional<RecordFileFormat> parseRecordFileFormat(const std::string& name);
// From a file name's extension (".sdf", ".sd", ".mol", ".smi", ".smiles", ".csv", ".tsv",
// ".txt" counts as SMILES), ignoring a trailing ".gz". nullopt when it says nothing.
std::optional<RecordFileFormat> formatFromFileName(const std::string& fileName);

// Guesses the format from the first bytes of a file (a few KiB are enough): a first
// non-blank line that names a structure column (smiles, structure, molfile, ...) next to a
// ',' ';' or tab is CSV (even when its cells hold Molfiles); a Molfile (a V2000/V3000 counts
// line as line 4, or an "M  END" line) is an SD file; anything else is read as SMILES.
RecordFileFormat detectRecordFileFormat(const std::string& head);

struct RecordField {
  std::string name;
  std::string value;  // multi-line SD values are joined with '\n'
  std::size_t line = 0;
};

struct RecordProblem {
  std::string message;  // what is wrong, for the import report
  std::size_t line = 0;  // 1-based line in the file
  std::string limit;     // details.limit of the input check, when one was broken
};

struct StructureRecord {
  std::size_t number = 0;  // 1-based, counting records only (not skipped blank lines)
  std::size_t line = 0;    // 1-based line where the record starts
  StructureFormat structureFormat = StructureFormat::Molfile;
  std::string structure;  // the Molfile block (through "M  END") or the SMILES
  std::string title;      // Molfile line 1, or the SMILES file's name column
  std::vector<RecordField> fields;
  std::optional<RecordProblem> problem;
};

struct RecordReaderOptions {
  StructureLimits limits;
  // A record (structure + data) larger than this is returned as a problem and skipped
  // without being held in memory.
  std::size_t maxRecordBytes = 2 * 1024 * 1024;
  // CSV: the column holding the structure (case-insensitive). Empty: the first of
  // smiles, structure, molfile, molblock, mol, cxsmiles, canonical_smiles.
  std::string structureColumn;
  // CSV: the delimiter; 0 detects it from the header line (',', ';' or tab).
  char delimiter = 0;
};

class RecordReader {
 public:
  // `in` must outlive the reader.
  static std::unique_ptr<RecordReader> create(RecordFileFormat format, std::istream& in,
                                              RecordReaderOptions options = {});
  virtual ~RecordReader() = default;

  // The next record, or nullopt at the end of the input.
  virtual std::optional<StructureRecord> next() = 0;

  // Bytes consumed so far (for progress against the file size).
  virtual std::uint64_t bytesRead() const = 0;
};

// All records of `bytes` (for tests and fuzzing; imports stream with RecordReader).
std::vector<StructureRecord> readRecords(RecordFileFormat format, const std::string& bytes,
                                         const RecordReaderOptions& options = {});

}  // namespace argan::chem
