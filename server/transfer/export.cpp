#include "server/transfer/export.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iomanip>
#include <map>
#include <sstream>
#include <vector>

#include "chem/molfile_writer.h"
#include "common/error.h"
#include "db/compound_names.h"
#include "db/registry_store.h"
#include "db/start_up_store.h"
#include "server/json/compound_json.h"
#include "server/transfer/import_report.h"

namespace argan::server {
namespace {

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

// The exported fields of a parent, in order (SD data items and CSV columns).
std::vector<std::pair<std::string, std::string>> compoundFields(
    const db::Compound& c, const std::string& startUpName,
    const std::vector<db::CompoundForm>& forms, std::size_t batches,
    const db::CompoundNames& names) {
  const auto& id = c.identity;
  std::string formLabels;
  for (const auto& f : forms) {
    if (!formLabels.empty()) formLabels += "; ";
    formLabels += f.code() + " " + f.label;
  }
  std::string synonyms;
  for (const auto& s : names.synonyms) synonyms += (synonyms.empty() ? "" : "; ") + s;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", c.code()},
      {"name", c.name},
      {"synonyms", synonyms},
      {"cas", c.cas.value_or("")},
      {"start_up_id", std::to_string(c.startUpId)},
      {"start_up", startUpName},
      {"visibility", c.visibility},
      {"formula", id.formula},
      {"mw", fixed(id.mw, 3)},
      {"exact_mass", fixed(id.exactMass, 5)},
      {"clogp", fixed(id.clogp, 2)},
      {"tpsa", fixed(id.tpsa, 2)},
      {"hbd", std::to_string(id.hbd)},
      {"hba", std::to_string(id.hba)},
      {"rotatable_bonds", std::to_string(id.rotatableBonds)},
      {"heavy_atoms", std::to_string(id.heavyAtoms)},
      {"rings", std::to_string(id.rings)},
      {"aromatic_rings", std::to_string(id.aromaticRings)},
      {"fraction_sp3", fixed(id.fractionSp3, 3)},
      {"formal_charge", std::to_string(id.formalCharge)},
      {"canonical_smiles", id.canonicalSmiles},
      {"inchi", id.inchi},
      {"inchikey", id.inchiKey},
      {"full_hash", id.fullHash},
      {"tautomer_hash", id.tautomerHash},
      {"no_stereo_smiles", id.noStereoSmiles},
      {"no_stereo_tautomer_hash", id.noStereoTautomerHash},
      {"skeleton", id.skeleton},
      {"forms", formLabels},
      {"batches", std::to_string(batches)},
      {"created_at", c.createdAt},
  };
  if (c.retiredAt) {
    fields.emplace_back("retired_at", *c.retiredAt);
    fields.emplace_back("retired_reason", c.retiredReason.value_or(""));
  }
  return fields;
}

// SD data values may not contain blank lines (a blank line ends the value).
std::string sdValue(const std::string& value) {
  std::string out;
  std::istringstream lines(value);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!first) out += '\n';
    out += line;
    first = false;
  }
  return out;
}

}  // namespace

const char* exportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::Sdf: return "sdf";
    case ExportFormat::Csv: return "csv";
    case ExportFormat::Json: return "json";
  }
  return "sdf";
}

std::optional<ExportFormat> parseExportFormat(const std::string& name) {
  if (name == "sdf" || name == "sd") return ExportFormat::Sdf;
  if (name == "csv") return ExportFormat::Csv;
  if (name == "json") return ExportFormat::Json;
  return std::nullopt;
}

const char* exportContentType(ExportFormat format) {
  switch (format) {
    case ExportFormat::Sdf: return "chemical/x-mdl-sdfile";
    case ExportFormat::Csv: return "text/csv; charset=utf-8";
    case ExportFormat::Json: return "application/json; charset=utf-8";
  }
  return "application/octet-stream";
}

ExportSummary exportCompounds(db::Database& database, const Clock& clock,
                              const db::Principal& viewer, const ExportOptions& options,
                              std::ostream& out) {
  ExportSummary summary;
  database.snapshot([&](db::Connection& c) {  // one state of the registry for the whole file
    std::map<std::int64_t, std::string> startUpNames;
    for (const auto& s : db::listStartUps(c)) startUpNames[s.id] = s.name;
    db::CompoundFilter filter;
    filter.startUpId = options.startUpId;
    filter.includeRetired = options.includeRetired;
    bool withBinary = options.format == ExportFormat::Sdf;

    if (options.format == ExportFormat::Json) {
      out << "{\"format\": \"argan-compounds/1\", \"exported_at\": \"" << clock.nowIso()
          << "\",\n\"compounds\": [";
    }
    bool headerWritten = false;
    db::forEachCompound(c, viewer, filter, withBinary, [&](const db::Compound& compound) {
      auto forms = db::listForms(c, viewer, compound.id);
      auto batches = db::listBatches(c, viewer, compound.id);
      const std::string& startUpName = startUpNames[compound.startUpId];
      const db::CompoundNames names = db::loadCompoundNames(c, compound.id);
      switch (options.format) {
        case ExportFormat::Sdf: {
          out << chem::molBlockFromPickle(compound.identity.molPickle, compound.code());
          for (const auto& [name, value] :
               compoundFields(compound, startUpName, forms, batches.size(), names)) {
            std::string v = sdValue(value);
            if (v.empty()) continue;
            out << "> <" << name << ">\n" << v << "\n\n";
          }
          out << "$$$$\n";
          break;
        }
        case ExportFormat::Csv: {
          auto fields = compoundFields(compound, startUpName, forms, batches.size(), names);
          if (!headerWritten) {
            out << "smiles";
            for (const auto& f : fields) {
              if (f.first != "retired_at" && f.first != "retired_reason") out << ',' << f.first;
            }
            out << ",retired_at,retired_reason\r\n";
            headerWritten = true;
          }
          out << csvCell(compound.identity.canonicalSmiles);
          for (const auto& f : fields) {
            if (f.first != "retired_at" && f.first != "retired_reason") {
              out << ',' << csvCell(f.second, true);
            }
          }
          out << ',' << csvCell(compound.retiredAt.value_or("")) << ','
              << csvCell(compound.retiredReason.value_or(""), true) << "\r\n";
          break;
        }
        case ExportFormat::Json: {
          Poco::JSON::Object::Ptr o = compoundJson(compound);
          o->set("start_up_name", startUpName);
          Poco::JSON::Array::Ptr synonymArray = new Poco::JSON::Array;
          for (const auto& s : names.synonyms) synonymArray->add(s);
          o->set("synonyms", synonymArray);
          Poco::JSON::Array::Ptr formArray = new Poco::JSON::Array;
          for (const auto& f : forms) formArray->add(formJson(f));
          Poco::JSON::Array::Ptr batchArray = new Poco::JSON::Array;
          for (const auto& b : batches) batchArray->add(batchJson(b));
          o->set("forms", formArray);
          o->set("batches", batchArray);
          out << (summary.compounds == 0 ? "\n" : ",\n");
          o->stringify(out);
          break;
        }
      }
      ++summary.compounds;
    });
    if (options.format == ExportFormat::Csv && !headerWritten) {
      // An empty export still names its columns.
      db::Compound none;
      out << "smiles";
      for (const auto& f : compoundFields(none, "", {}, 0, {})) out << ',' << f.first;
      out << ",retired_at,retired_reason\r\n";
    }
    if (options.format == ExportFormat::Json) {
      out << "\n],\n\"count\": " << summary.compounds << "}\n";
    }
  });
  if (!out) throw unavailable("the export could not be written (disk full?)");
  return summary;
}

}  // namespace argan::server
