// Everything registration needs to know about one submitted structure, in one call.
//
// analyse(text, format) = check input -> parse -> standardise -> parent identity layers,
// properties, fingerprints, pickle -> form (counter-ions/solvents) description.
// This is the unit of chemistry work on untrusted input: it is what a guarded worker runs.
// The results (StructureAnalysis, SimilarityQuerySpec) are plain data in structure_types.h;
// include that instead of this header where RDKit is not needed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chem/identity.h"
#include "chem/initialise.h"
#include "chem/input_check.h"
#include "chem/properties.h"
#include "chem/standardizer.h"
#include "chem/structure_limits.h"
#include "chem/structure_types.h"

namespace argan::chem {

// Work analyse() shares between its steps instead of redoing it. The results are identical
// either way, byte for byte (tests/chem/structure_analysis_test.cpp compares every field on
// real molecules); all off gives the plain step-by-step reference.
struct AnalysisOptions {
  IdentityOptions identity;
  // The parent's canonical SMILES, computed by the standardiser to group fragments, is the
  // identity's canonical SMILES; the Hill formula of the identity is the properties' one.
  bool shareIntermediates = true;

  // Every shortcut off (the standardiser's too: StandardizationOptions::skipInapplicableSteps).
  static AnalysisOptions eager() {
    AnalysisOptions o;
    o.identity.reuseLayersWithoutStereo = false;
    o.shareIntermediates = false;
    return o;
  }
};

// Not thread-safe: owns RDKit catalog objects. One per thread (or per worker process).
class StructureAnalyser {
 public:
  explicit StructureAnalyser(StructureLimits limits = {}, StandardizationOptions options = {},
                             AnalysisOptions analysis = {});
  ~StructureAnalyser();

  // requestedFormat: "smiles", "molfile" or "" to detect. Throws argan::Error
  // (InvalidArgument with what/where) for any input the registry cannot accept.
  StructureAnalysis analyse(const std::string& text, const std::string& requestedFormat = "");

  // check -> parse -> standardise -> Morgan fingerprint of the parent (no identity layers,
  // InChI or properties: about a third of analyse()). Throws like analyse().
  SimilarityQuerySpec similarityQuery(const std::string& text,
                                      const std::string& requestedFormat = "");

  const StructureLimits& limits() const { return limits_; }
  Standardizer& standardizer() { return standardizer_; }

 private:
  StructureLimits limits_;
  AnalysisOptions analysis_;
  Standardizer standardizer_;
  IdentityCalculator identity_;
};

}  // namespace argan::chem
