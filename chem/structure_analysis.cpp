#include "chem/structure_analysis.h"

#include <GraphMol/MolPickler.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "chem/fingerprints.h"
#include "chem/inchi.h"
#include "chem/rdkit_log.h"
#include "chem/structure_parser.h"
#include "common/error.h"

namespace argan::chem {
namespace {

void refuseQueryFeatures(const RDKit::ROMol& mol) {
  for (const auto* atom : mol.atoms()) {
    if (atom->hasQuery()) {
      throw invalidArgument("query features (atom lists, A/Q) cannot be registered; atom " +
                                std::to_string(atom->getIdx()) + " is a query atom",
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

// The standard InChIKey of `mol`, or "" when libinchi cannot represent it (a key that
// cannot be computed only means the record is not found by that key).
std::string inchiKeyOrEmpty(const RDKit::ROMol& mol, const InchiOptions& options) {
  try {
    return computeStandardInchi(mol, options).inchiKey;
  } catch (const Error&) {
    return "";
  }
}

// The form as stored, assembled into one molecule: the parent `parentCount` times (without
// the stereo of its AND/OR-group centres, like its own key) and every component.
std::string formInchiKey(const RDKit::ROMol& parent, int parentCount,
                         const std::vector<FormComponent>& components) {
  try {
    RDKit::RWMol single(parent);
    for (unsigned idx : stereoGroupAtoms(parent)) {
      single.getAtomWithIdx(idx)->setChiralTag(RDKit::Atom::CHI_UNSPECIFIED);
    }
    single.setStereoGroups({});
    RDKit::RWMol form;
    for (int i = 0; i < parentCount; ++i) form.insertMol(single);
    for (const auto& c : components) {
      std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(c.smiles));
      if (!mol) return "";
      for (int i = 0; i < c.count; ++i) form.insertMol(*mol);
    }
    RDKit::MolOps::sanitizeMol(form);
    return inchiKeyOrEmpty(form, {});
  } catch (const Error&) {
    return "";
  } catch (const std::exception&) {
    return "";
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
  refusePolymersAndStars(*parsed.mol);
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
    // The identity layer's Hill formula is written by the identity rule (metals, ions), the
    // property's by RDKit: they are not shared.
    a.properties = computeProperties(parent);
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
  a.formInchiKey = formInchiKey(parent, a.parentCount, a.formComponents);
  a.submittedInchiKey = inchiKeyOrEmpty(*parsed.mol, {});
  return a;
}

SimilarityQuerySpec StructureAnalyser::similarityQuery(const std::string& text,
                                                      const std::string& requestedFormat) {
  ParsedStructure parsed = parseStructure(text, resolveFormat(requestedFormat, text), limits_);
  refusePolymersAndStars(*parsed.mol);
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
