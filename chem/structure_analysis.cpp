#include "chem/structure_analysis.h"

#include <GraphMol/MolPickler.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "chem/fingerprints.h"
#include "chem/rdkit_log.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {
namespace {

void refuseQueryFeatures(const RDKit::ROMol& mol) {
  for (const auto* atom : mol.atoms()) {
    if (atom->hasQuery()) {
      throw invalidArgument("query features (atom lists, A/Q/*) cannot be registered; atom " +
                                std::to_string(atom->getIdx()) + " is a query atom",
                            {{"atom_index", static_cast<std::int64_t>(atom->getIdx())}});
    }
    if (atom->getAtomicNum() == 0) {
      throw invalidArgument(
          "dummy atoms (*, R groups, attachment points) cannot be registered; atom " +
              std::to_string(atom->getIdx()) + " is one",
          {{"atom_index", static_cast<std::int64_t>(atom->getIdx())}});
    }
  }
  for (const auto* bond : mol.bonds()) {
    if (bond->hasQuery()) {
      throw invalidArgument("query bonds cannot be registered; bond " +
                                std::to_string(bond->getIdx()) + " is a query bond",
                            {{"bond_index", static_cast<std::int64_t>(bond->getIdx())}});
    }
  }
}

}  // namespace

void initialise() { installRdkitLogCapture(); }

StructureAnalyser::StructureAnalyser(StructureLimits limits, StandardizationOptions options,
                                     AnalysisOptions analysis)
    : limits_(limits), analysis_(analysis), standardizer_(options), identity_(analysis.identity) {}

StructureAnalyser::~StructureAnalyser() = default;

StructureAnalysis StructureAnalyser::analyse(const std::string& text,
                                             const std::string& requestedFormat) {
  StructureAnalysis a;
  a.format = resolveFormat(requestedFormat, text);
  ParsedStructure parsed = parseStructure(text, a.format, limits_);
  a.warnings = std::move(parsed.warnings);
  refuseQueryFeatures(*parsed.mol);

  StandardizedStructure standard = standardizer_.standardize(*parsed.mol);
  a.parentCount = standard.parentCount;
  a.formComponents = std::move(standard.components);
  a.formKey = std::move(standard.formKey);
  a.formLabel = std::move(standard.formLabel);
  a.standardizationSteps = std::move(standard.stepsApplied);
  a.standardizer = standardizer_.description();

  const RDKit::ROMol& parent = *standard.parent;
  if (analysis_.shareIntermediates) {
    IdentityHints hints;
    hints.canonicalSmiles = &standard.parentSmiles;
    a.identity = identity_.compute(parent, hints);
    a.properties = computeProperties(parent, a.identity.formula);
  } else {
    a.identity = identity_.compute(parent);
    a.properties = computeProperties(parent);
  }
  a.morganFingerprint = morganFingerprint(parent);
  a.patternFingerprint = patternFingerprint(parent);
  try {
    RDKit::MolPickler::pickleMol(parent, a.parentPickle);
  } catch (...) {
    rethrowRdkitError("pickle");
  }
  return a;
}

SimilarityQuerySpec StructureAnalyser::similarityQuery(const std::string& text,
                                                      const std::string& requestedFormat) {
  ParsedStructure parsed = parseStructure(text, resolveFormat(requestedFormat, text), limits_);
  refuseQueryFeatures(*parsed.mol);
  StandardizedStructure standard = standardizer_.standardize(*parsed.mol);
  SimilarityQuerySpec spec;
  try {
    spec.canonicalSmiles = analysis_.shareIntermediates ? standard.parentSmiles
                                                        : RDKit::MolToSmiles(*standard.parent);
  } catch (...) {
    rethrowRdkitError("canonical SMILES");
  }
  spec.morganFingerprint = morganFingerprint(*standard.parent);
  return spec;
}

}  // namespace argan::chem
