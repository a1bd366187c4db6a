// JSON shapes of the waste side: request bodies read into the registry's drafts
// (server/registry/waste.h), and streams, sources, lots, transformations, transfers, uses,
// genealogies and circularity figures presented. Masses are answered in kg (and t where
// the figure is a cluster total), computed from the stored milligrams.
// Readers throw InvalidArgument naming the field (details.field), as JsonFields does.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "db/access.h"
#include "db/waste_flow_store.h"
#include "db/waste_store.h"
#include "server/json/json_fields.h"
#include "server/registry/circularity.h"
#include "server/registry/genealogy.h"
#include "server/registry/waste.h"

namespace argan::server {

// ---- requests ----

StreamDraft readStreamDraft(const JsonFields& body);
SourceDraft readSourceDraft(const JsonFields& body);
// {stream, source?, start_up?, collected_on, net_mass: {amount, unit}, gross_mass?, container?,
//  container_count?, vehicle?, distance_km?, characterisation?: {key: number}, notes?}
LotDraft readLotDraft(const JsonFields& body);
LotChange readLotChange(const JsonFields& body);
TransformationDraft readTransformationDraft(const JsonFields& body);
TransferDraft readTransferDraft(const JsonFields& body);
TransferAnswer readTransferAnswer(const JsonFields& body);
UseDraft readUseDraft(const JsonFields& body);

// ---- answers ----

// Names of start-ups for the answers ({id, name}); unknown ids answer "#<id>".
using StartUpNames = std::map<std::int64_t, std::string>;

Poco::JSON::Object::Ptr streamJson(const db::WasteStream& s);
Poco::JSON::Object::Ptr sourceJson(const db::WasteSource& s);
// `source`: the source record when the viewer may see it (its name is shown then only).
Poco::JSON::Object::Ptr lotJson(const db::Lot& lot, const db::Principal& viewer,
                                const std::optional<db::WasteSource>& source,
                                const StartUpNames& names);
// `readableOutputs`: for a viewer outside the transformation's start-up (one tracing an
// output), the output lots it may read; the others and the notes are left out. nullopt: the
// start-up's own view, everything. The mass balance is always the whole step's.
Poco::JSON::Object::Ptr transformationJson(
    const db::Transformation& t, const StartUpNames& names,
    const std::optional<std::set<std::int64_t>>& readableOutputs = std::nullopt);
Poco::JSON::Object::Ptr transferJson(const db::Transfer& t, const StartUpNames& names);
Poco::JSON::Object::Ptr lotUseJson(const db::LotUse& u);
Poco::JSON::Object::Ptr stockJson(const std::vector<db::StockLine>& stock);
Poco::JSON::Object::Ptr genealogyJson(const Genealogy& g, const StartUpNames& names);
Poco::JSON::Object::Ptr circularityJson(const CircularityReport& r);
Poco::JSON::Object::Ptr emissionFactorsJson();
// Vocabularies the pages need: source kinds, regions, containers, transformation kinds,
// characterisation properties, vehicles.
Poco::JSON::Object::Ptr wasteVocabularyJson();

}  // namespace argan::server
