// JSON for registry records: the one place compounds, forms and batches become JSON.
#pragma once

#include <Poco/JSON/Object.h>

#include <vector>

#include "db/registry_store.h"
#include "server/registry/registration.h"

namespace argan::server {

// {"id": "CMP-000001", "number": 1, "start_up", "visibility", "inchi", "inchikey",
//  "canonical_smiles", "formula", "mw", "exact_mass", "properties": {...},
//  "layers": {...}, "standardization": {...}, "created_at", ..., "links": {...}}
Poco::JSON::Object::Ptr compoundJson(const db::Compound& compound);
// A short form for lists inside other resources: id, inchikey, canonical_smiles, formula, mw.
Poco::JSON::Object::Ptr compoundSummaryJson(const db::Compound& compound);
Poco::JSON::Object::Ptr formJson(const db::CompoundForm& form);
Poco::JSON::Object::Ptr batchJson(const db::Batch& batch);
Poco::JSON::Array::Ptr flagsJson(const std::vector<RelationFlag>& flags);

// Parses a JSON text stored in the database (components, properties, steps).
Poco::Dynamic::Var storedJson(const std::string& text);

}  // namespace argan::server
