#include "server/json/compound_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cmath>

#include "db/identifiers.h"
#include "server/json/json_output.h"

namespace argan::server {

Poco::Dynamic::Var storedJson(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text);
  } catch (...) {
    return Poco::Dynamic::Var(text);
  }
}

Poco::JSON::Object::Ptr compoundSummaryJson(const db::Compound& c) {
  Poco::JSON::Object::Ptr o = orderedObject();
  o->set("id", c.code());
  o->set("name", c.name);
  o->set("inchikey", c.identity.inchiKey);
  o->set("canonical_smiles", c.identity.canonicalSmiles);
  o->set("formula", c.identity.formula);
  o->set("mw", roundedTo(c.identity.mw, 3));
  o->set("start_up", c.startUpId);
  o->set("visibility", c.visibility);
  o->set("depiction", "/api/compounds/" + c.code() + "/depiction.svg");
  return o;
}

Poco::JSON::Object::Ptr compoundJson(const db::Compound& c) {
  const auto& id = c.identity;
  Poco::JSON::Object::Ptr o = orderedObject();
  o->set("id", c.code());
  o->set("number", c.id);
  o->set("start_up", c.startUpId);
  o->set("visibility", c.visibility);
  o->set("name", c.name);
  if (c.cas) o->set("cas", *c.cas); else o->set("cas", Poco::Dynamic::Var());
  if (c.supersededBy) o->set("superseded_by", db::compoundCode(*c.supersededBy));
  o->set("canonical_smiles", id.canonicalSmiles);
  o->set("inchi", id.inchi);
  o->set("inchikey", id.inchiKey);
  o->set("formula", id.formula);
  o->set("mw", roundedTo(id.mw, 3));
  o->set("exact_mass", roundedTo(id.exactMass, 5));

  Poco::JSON::Object::Ptr props = orderedObject();
  props->set("formula", id.formula);
  props->set("average_mass", roundedTo(id.mw, 3));
  props->set("monoisotopic_mass", roundedTo(id.exactMass, 5));
  props->set("clogp", roundedTo(id.clogp, 2));
  props->set("tpsa", roundedTo(id.tpsa, 2));
  props->set("hbd", id.hbd);
  props->set("hba", id.hba);
  props->set("rotatable_bonds", id.rotatableBonds);
  props->set("heavy_atoms", id.heavyAtoms);
  props->set("rings", id.rings);
  props->set("aromatic_rings", id.aromaticRings);
  props->set("fraction_sp3", roundedTo(id.fractionSp3, 3));
  props->set("formal_charge", id.formalCharge);
  o->set("properties", props);

  Poco::JSON::Object::Ptr layers = orderedObject();
  layers->set("formula", id.formula);
  layers->set("canonical_smiles", id.canonicalSmiles);
  layers->set("tautomer_hash", id.tautomerHash);
  layers->set("no_stereo_smiles", id.noStereoSmiles);
  layers->set("no_stereo_tautomer_hash", id.noStereoTautomerHash);
  layers->set("skeleton", id.skeleton);
  layers->set("full_hash", id.fullHash);
  o->set("layers", layers);

  Poco::JSON::Object::Ptr standardization = orderedObject();
  standardization->set("pipeline", id.standardizer);
  standardization->set("steps", storedJson(id.standardizationStepsJson));
  o->set("standardization", standardization);

  o->set("created_at", c.createdAt);
  setOptional(o, "created_by", c.createdBy);
  o->set("updated_at", c.updatedAt);
  setOptional(o, "retired_at", c.retiredAt);
  setOptional(o, "retired_reason", c.retiredReason);

  Poco::JSON::Object::Ptr links = orderedObject();
  links->set("self", "/api/compounds/" + c.code());
  links->set("depiction", "/api/compounds/" + c.code() + "/depiction.svg");
  links->set("batches", "/api/compounds/" + c.code() + "/batches");
  o->set("links", links);
  return o;
}

Poco::JSON::Object::Ptr formJson(const db::CompoundForm& f) {
  Poco::JSON::Object::Ptr o = orderedObject();
  o->set("id", f.code());
  o->set("compound", db::compoundCode(f.compoundId));
  o->set("form_number", f.formNumber);
  o->set("label", f.label);
  o->set("parent_count", f.parentCount);
  o->set("components", storedJson(f.componentsJson));
  o->set("created_at", f.createdAt);
  return o;
}

Poco::JSON::Object::Ptr batchJson(const db::Batch& b) {
  Poco::JSON::Object::Ptr o = orderedObject();
  o->set("id", b.code());
  o->set("compound", db::compoundCode(b.compoundId));
  o->set("form", db::formCode(b.compoundId, b.formNumber));
  o->set("batch_number", b.batchNumber);
  o->set("start_up", b.startUpId);
  o->set("visibility", b.visibility);
  setOptional(o, "amount", b.amount);
  setOptional(o, "unit", b.amountUnit);
  setOptional(o, "purity", b.purity);
  setOptional(o, "prepared_on", b.preparedOn);
  o->set("researcher", b.researcher);
  o->set("notebook_ref", b.notebookRef);
  o->set("storage", b.storage);
  o->set("notes", b.notes);
  o->set("properties", storedJson(b.propertiesJson));
  Poco::JSON::Object::Ptr submitted = orderedObject();
  submitted->set("format", b.submittedFormat);
  submitted->set("structure", b.submittedStructure);
  submitted->set("standardization", b.standardizer);
  o->set("submitted", submitted);
  o->set("created_at", b.createdAt);
  setOptional(o, "created_by", b.createdBy);
  o->set("updated_at", b.updatedAt);
  setOptional(o, "retired_at", b.retiredAt);
  setOptional(o, "retired_reason", b.retiredReason);
  return o;
}

Poco::JSON::Array::Ptr flagsJson(const std::vector<RelationFlag>& flags) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& f : flags) {
    Poco::JSON::Object::Ptr o = orderedObject();
    o->set("relation", f.relation);
    o->set("compound", f.compoundCode);
    o->set("start_up", f.startUpId);
    o->set("message", f.message);
    a->add(o);
  }
  return a;
}

}  // namespace argan::server
