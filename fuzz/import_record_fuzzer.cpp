// libFuzzer target: the import file readers (chem/record_reader.h), which turn untrusted SD,
// SMILES and CSV files into records before any parser sees them. The first byte picks the
// format (and a small record limit, so the size checks are reached). Properties beyond "no
// crash, no sanitizer report": records are numbered 1, 2, ... on non-decreasing lines; a
// record without a problem carries a structure within the limits; the only exception is
// argan::Error(InvalidArgument) for a file without a structure column (CSV).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chem/record_reader.h"
#include "common/error.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace argan;
  static const chem::RecordFileFormat formats[] = {
      chem::RecordFileFormat::Sdf, chem::RecordFileFormat::Smiles, chem::RecordFileFormat::Csv};
  chem::RecordFileFormat format = formats[data[0] % 3];
  chem::RecordReaderOptions options;
  options.maxRecordBytes = (data[0] & 0x80) ? 256 : 64 * 1024;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  chem::detectRecordFileFormat(bytes.substr(0, 4096));
  try {
    auto records = chem::readRecords(format, bytes, options);
    std::size_t line = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& r = records[i];
      require(r.number == i + 1);
      require(r.line >= line);
      line = r.line;
      if (!r.problem) {
        require(!r.structure.empty());
        require(r.structure.size() <= options.maxRecordBytes);
        if (r.structureFormat == chem::StructureFormat::Molfile) {
          require(r.structure.size() <= options.limits.maxMolfileBytes);
        } else {
          for (char c : r.structure) require(c >= ' ' && c < 0x7f);
        }
      } else {
        require(!r.problem->message.empty());
      }
    }
  } catch (const Error& e) {
    require(e.code() == ErrorCode::InvalidArgument);
    require(format == chem::RecordFileFormat::Csv);
  }
  return 0;
}
