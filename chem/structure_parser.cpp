#include "chem/structure_parser.h"


#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SanitException.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <RDGeneral/BadFileException.h>
#include <RDGeneral/FileParseException.h>
#include <RDGeneral/Invariant.h>

#include <regex>

#include "chem/rdkit_log.h"
#include "common/error.h"

namespace argan::chem {
namespace {

using std::int64_t;

void checkParsedSize(const RDKit::ROMol& mol, const StructureLimits& limits) {
  unsigned heavy = 0;
  for (const auto* atom : mol.atoms()) {
    if (atom->getAtomicNum() != 1) ++heavy;
  }
  if (mol.getNumAtoms() > limits.maxAtoms) {
    throw invalidArgument("too many atoms: " + std::to_string(mol.getNumAtoms()) +
                              " exceeds the limit of " + std::to_string(limits.maxAtoms),
                          {{"limit", "max_atoms"}});
  }
  if (heavy > limits.maxHeavyAtoms) {
    throw invalidArgument("too many heavy atoms: " + std::to_string(heavy) +
                              " exceeds the limit of " + std::to_string(limits.maxHeavyAtoms),
                          {{"limit", "max_heavy_atoms"}});
  }
  if (mol.getNumBonds() > limits.maxBonds) {
    throw invalidArgument("too many bonds: " + std::to_string(mol.getNumBonds()) +
                              " exceeds the limit of " + std::to_string(limits.maxBonds),
                          {{"limit", "max_bonds"}});
  }
}

std::string atomList(const std::vector<unsigned int>& indices) {
  std::string out;
  for (auto i : indices) {
    if (!out.empty()) out += ", ";
    out += std::to_string(i);
  }
  return out;
}

}  // namespace

// RDKit's exceptions, mapped to messages for the person who sent the input. Exceptions that
// RDKit raises for chemistry (valence, kekulization, a field it could not convert) carry
// human text and the atom or line; anything else (a failed internal check, a C++ library
// error such as an out-of-range substring or a bad numeric conversion) says only that the
// input could not be read, never RDKit's or the C++ library's own words (file names,
// function names, "basic_string::substr", "bad lexical cast"). Those internals are for the
// developers' logs, not for the caller.
void rethrowRdkitError(const std::string& what) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const RDKit::AtomValenceException& e) {
    throw invalidArgument(what + ": bad valence: " + e.what() + " (atom index " +
                              std::to_string(e.getAtomIdx()) + ", counting from 0)",
                          {{"atom_index", static_cast<int64_t>(e.getAtomIdx())}});
  } catch (const RDKit::AtomKekulizeException& e) {
    throw invalidArgument(what + ": cannot kekulize: " + e.what(),
                          {{"atom_index", static_cast<int64_t>(e.getAtomIdx())}});
  } catch (const RDKit::KekulizeException& e) {
    throw invalidArgument(what + ": cannot kekulize (check aromatic atoms and their H): " +
                              e.what() + " (atoms " + atomList(e.getAtomIndices()) + ")",
                          {{"atom_indices", atomList(e.getAtomIndices())}});
  } catch (const RDKit::AtomSanitizeException& e) {
    throw invalidArgument(what + ": " + e.what(),
                          {{"atom_index", static_cast<int64_t>(e.getAtomIdx())}});
  } catch (const RDKit::MolSanitizeException& e) {
    throw invalidArgument(what + ": " + e.what());
  } catch (const RDKit::FileParseException& e) {
    throw invalidArgument(what + ": " + e.what());
  } catch (const RDKit::BadFileException& e) {
    throw invalidArgument(what + ": " + e.what());
  } catch (const RDKit::SmilesParseException& e) {
    throw invalidArgument(what + ": " + e.what());
  } catch (const Invar::Invariant&) {
    throw invalidArgument(what + " could not be processed: it describes something the "
                                 "chemistry toolkit cannot represent consistently (check atom "
                                 "numbers, charges and bonds)",
                          {{"reason", "toolkit_rejected"}});
  } catch (const std::bad_alloc&) {
    throw invalidArgument(what + " needs more memory than allowed", {{"limit", "memory"}});
  } catch (const std::out_of_range&) {
    throw invalidArgument(what + " could not be read: a line or field is shorter than its "
                                 "format requires, or a number is out of range",
                          {{"reason", "toolkit_rejected"}});
  } catch (const std::exception&) {
    throw invalidArgument(what + " could not be read: a field is missing or not in the form "
                                 "its format requires (for example text where a number belongs)",
                          {{"reason", "toolkit_rejected"}});
  }
}

namespace {

// RDKit silently drops a stereo group atom that the SMILES does not have ("C |&1:99|"):
// such an extension is malformed, and the stereo the chemist meant would be lost.
void checkStereoGroupAtoms(const std::string& extension, std::size_t atoms) {
  static const std::regex group(R"((?:^|[|,])(a|[&o]\d+):(\d+(?:,\d+)*))");
  for (std::sregex_iterator it(extension.begin(), extension.end(), group), end; it != end; ++it) {
    const std::string list = (*it)[2].str();
    std::size_t start = 0;
    while (start < list.size()) {
      std::size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      const std::string number = list.substr(start, comma - start);
      if (number.size() > 9 || std::stoul(number) >= atoms) {
        throw invalidArgument("the CXSMILES stereo group " + (*it)[1].str() + " names atom " +
                                  number + ", but the SMILES has " + std::to_string(atoms) +
                                  " atoms (numbered from 0)",
                              {{"field", "structure"}});
      }
      start = comma + 1;
    }
  }
}

}  // namespace

ParsedStructure parseStructure(const std::string& text, StructureFormat format,
                               const StructureLimits& limits) {
  ParsedStructure result;
  result.format = format;
  RdkitLogCapture capture;
  if (format == StructureFormat::Smiles) {
    SmilesScan scan = checkSmiles(text, limits);
    RDKit::SmilesParserParams params;
    params.sanitize = true;
    params.removeHs = true;
    params.parseName = false;
    params.allowCXSMILES = !scan.cxExtension.empty();
    params.strictCXSMILES = true;
    std::string input = scan.smiles;
    if (!scan.cxExtension.empty()) {
      checkStereoGroupAtoms(scan.cxExtension, scan.atoms);
      input += " " + scan.cxExtension;
    }
    try {
      result.mol.reset(RDKit::SmilesToMol(input, params));
    } catch (...) {
      rethrowRdkitError("SMILES");
    }
    if (!result.mol) {
      std::string why = capture.joined();
      throw invalidArgument(
          "SMILES could not be parsed" + (why.empty() ? std::string(".") : ": " + why));
    }
  } else {
    checkMolfile(text, limits);
    try {
      result.mol.reset(RDKit::MolBlockToMol(text, /*sanitize=*/true, /*removeHs=*/true,
                                            /*strictParsing=*/true));
    } catch (...) {
      rethrowRdkitError("Molfile");
    }
    if (!result.mol) {
      std::string why = capture.joined();
      throw invalidArgument("Molfile could not be parsed" +
                            (why.empty() ? std::string(".") : ": " + why));
    }
  }
  checkParsedSize(*result.mol, limits);
  if (result.mol->getNumAtoms() == 0) {
    throw invalidArgument("empty structure: no atoms", {{"limit", "empty"}});
  }
  result.warnings = capture.lines();
  return result;
}

std::unique_ptr<RDKit::RWMol> parseSmartsQuery(const std::string& text,
                                               const StructureLimits& limits) {
  SmilesScan scan = checkSmiles(text, limits, /*allowSmarts=*/true);
  RdkitLogCapture capture;
  std::unique_ptr<RDKit::RWMol> mol;
  try {
    mol.reset(RDKit::SmartsToMol(scan.smiles));
  } catch (...) {
    rethrowRdkitError("SMARTS");
  }
  if (!mol) {
    std::string why = capture.joined();
    throw invalidArgument("SMARTS could not be parsed" +
                          (why.empty() ? std::string(".") : ": " + why));
  }
  return mol;
}

}  // namespace argan::chem
