// Everything registration needs to know about one submitted structure, in one call.
//
// analyse(text, format) = check input -> parse -> standardise -> parent identity layers,
// properties, fingerprints, pickle -> form (counter-ions/solvents) description.
// This is the unit of chemistry work on untrusted input: it is what a guarded worker runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chem/identity.h"
#include "chem/input_check.h"
#include "chem/properties.h"
#include "chem/standardizer.h"
#include "chem/structure_limits.h"

namespace argan::chem {

struct StructureAnalysis {
  StructureFormat format = StructureFormat::Smiles;
  std::vector<std::string> warnings;           // from the parser
  IdentityLayers identity;                     // of the parent
  MolecularProperties properties;              // of the parent
  std::string morganFingerprint;               // packed, 256 bytes
  std::string patternFingerprint;              // packed, 256 bytes
  std::string parentPickle;                    // RDKit binary pickle of the parent
  int parentCount = 1;                         // parent copies in the form
  std::vector<FormComponent> formComponents;   // counter-ions / solvents
  std::string formKey;                         // unique per form of a parent
  std::string formLabel;                       // "sodium salt, 1:1"
  std::vector<std::string> standardizationSteps;
  std::string standardizer;                    // RDKit version + options
};

// A similarity query: the submitted structure standardised as at registration, reduced to
// what a similarity search needs. Plain, serialisable data.
struct SimilarityQuerySpec {
  std::string canonicalSmiles;    // of the standardised parent
  std::string morganFingerprint;  // packed 2048 bits, as stored for registered parents
};

// Not thread-safe: owns RDKit catalog objects. One per thread (or per worker process).
class StructureAnalyser {
 public:
  explicit StructureAnalyser(StructureLimits limits = {}, StandardizationOptions options = {});
  ~StructureAnalyser();

  // requestedFormat: "smiles", "molfile" or "" to detect. Throws argan::Error
  // (InvalidArgument with what/where) for any input the registry cannot accept.
  StructureAnalysis analyse(const std::string& text, const std::string& requestedFormat = "");

  // check -> parse -> standardise -> Morgan fingerprint of the parent (no identity layers,
  // InChI or properties: about a third of analyse()). Throws like analyse().
  SimilarityQuerySpec similarityQuery(const std::string& text, const std::string& requestedFormat = "");

  const StructureLimits& limits() const { return limits_; }
  Standardizer& standardizer() { return standardizer_; }

 private:
  StructureLimits limits_;
  Standardizer standardizer_;
  IdentityCalculator identity_;
};

// Process-wide set-up of the chemistry layer (RDKit log capture). Call once from main.
void initialise();

}  // namespace argan::chem
