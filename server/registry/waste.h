// The waste side's rules: recording collections, light transformations with their mass
// balance, transfers between start-ups and their acceptance, and uses of lots by the
// chemistry start-ups. The API handlers (api_waste.cpp), the CSV import and the demo loader
// all go through here, so a lot is checked and stored the same way whatever door it comes in.
//
// Every verb runs in one write transaction (Database::write): the lots it reads are reloaded
// inside it, so two transfers can never take the same kilograms. Errors are argan::Error,
// each naming the field in details.field:
//   InvalidArgument    malformed input: unknown vocabulary, bad date, a mass that is not
//                      positive, or a transformation whose outputs weigh more than its
//                      inputs and stated additions (details.rule = "mass_balance")
//   NotFound           a lot, source, batch, route, transfer or start-up the caller may not
//                      see (the same answer as a missing one)
//   PermissionDenied   the caller may see the record but not act for its start-up (accepting
//                      a transfer is for the receiver, cancelling it for the sender)
//   FailedPrecondition more than what is left of a lot, a retired or quarantined lot, a
//                      transfer already decided (details.rule names the rule)
// Thread-safe (as the Runtime handles are).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/waste_flow_store.h"
#include "db/waste_store.h"
#include "server/core/runtime.h"

namespace argan::server {

// ---- vocabularies ----

const std::vector<std::string>& sourceKinds();
const std::vector<std::string>& moroccanRegions();  // the 12 regions (2015 division)
const std::vector<std::string>& transformationKinds();
const std::vector<std::string>& containerKinds();
const std::vector<std::string>& lotStatuses();  // available | quarantine

// Measurements made on a lot. Values are checked against [min, max].
struct CharacterisationProperty {
  std::string key;
  std::string unit;
  std::string labelFr;
  std::string labelEn;
  double min = 0;
  double max = 0;
};
const std::vector<CharacterisationProperty>& characterisationProperties();

// ---- masses ----

struct MassInput {
  double amount = 0;
  std::string unit;  // g | kg | t
};

// The mass in milligrams, rounded to the nearest mg. InvalidArgument naming `field`
// ("net_mass.amount", "net_mass.unit") when the unit is not g/kg/t or the amount is not a
// positive finite number below 10^6 t.
std::int64_t massMg(const MassInput& mass, const std::string& field);
double kgOf(std::int64_t mg);

// ---- transport emission factors (server/registry/data/transport_emission_factors.json) ----

struct EmissionFactor {
  std::string vehicle;  // "truck_large"
  std::string labelFr;
  std::string labelEn;
  std::string activity;  // the publication's row ("HGV (all diesel), Rigid (>17 tonnes), ...")
  std::string id;        // the publication's factor id
  double kgCo2ePerTonneKm = 0;
};

struct EmissionFactorTable {
  std::string about;
  std::string source;
  std::string publisher;
  std::string url;
  std::int64_t year = 0;
  std::string unit;
  std::vector<EmissionFactor> factors;
  const EmissionFactor* find(const std::string& vehicle) const;
};

const EmissionFactorTable& transportEmissionFactors();

// kg CO2e of moving `massMg` over `distanceKm` with `vehicle`; nullopt for an unknown vehicle.
std::optional<double> transportCo2eKg(std::int64_t massMg, double distanceKm,
                                      const std::string& vehicle);

// ---- streams ----

struct StreamDraft {
  std::optional<std::string> key;
  std::optional<std::string> nameFr;
  std::optional<std::string> nameEn;
  std::optional<std::optional<std::string>> lowCode;
  std::optional<std::string> lowNote;
  std::optional<std::string> composition;
  std::optional<std::string> hazards;
  std::optional<std::vector<std::string>> characterisation;
  std::optional<std::optional<std::int64_t>> substanceId;
};
db::WasteStream createStream(Runtime& runtime, const db::Principal& who, const StreamDraft& draft);
db::WasteStream updateStream(Runtime& runtime, const db::Principal& who, const std::string& key,
                             const StreamDraft& draft);
// A stream by key or numeric id; NotFound naming `field`.
db::WasteStream streamNamed(db::Connection& c, const std::string& text, const std::string& field);

// ---- sources ----

struct SourceDraft {
  std::optional<std::int64_t> startUpId;  // default: the caller's start-up
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<std::string> region;
  std::optional<std::string> locality;
  std::optional<std::string> notes;
  std::optional<bool> active;
};
db::WasteSource createSource(Runtime& runtime, const db::Principal& who, const SourceDraft& draft);
db::WasteSource updateSource(Runtime& runtime, const db::Principal& who, std::int64_t id,
                             const SourceDraft& draft);

// ---- lots ----

using Characterisation = std::map<std::string, double>;

struct LotDraft {
  std::optional<std::int64_t> startUpId;  // the collector; default: the caller's start-up
  std::string stream;                     // key or id
  std::optional<std::string> source;      // SRC-000001 or id, of the same start-up
  std::string collectedOn;                // YYYY-MM-DD, not in the future
  MassInput net;
  std::optional<MassInput> gross;
  std::optional<std::string> container;
  std::optional<std::int64_t> containerCount;
  std::optional<std::string> vehicle;
  std::optional<double> distanceKm;
  Characterisation characterisation;
  std::string notes;
  std::optional<std::string> importDigest;  // CSV import rows
};

// Records a collection (origin 'collection'). In its own transaction, or in the caller's.
db::Lot recordLot(Runtime& runtime, const db::Principal& who, const LotDraft& draft);
db::Lot recordLotIn(db::Connection& c, Runtime& runtime, const db::Principal& who,
                    const LotDraft& draft);
// The checks of recordLotIn that need no database (fields, vocabularies, dates, masses):
// for the CSV import's dry run. Throws as recordLot.
void checkLotDraft(const LotDraft& draft, const std::string& today);

struct LotChange {
  std::optional<Characterisation> characterisation;  // merged into the lot's values
  std::optional<std::string> status;                 // available | quarantine
  std::optional<std::string> notes;
  std::optional<std::optional<std::string>> container;
  std::optional<std::optional<std::int64_t>> containerCount;
  std::optional<std::string> visibility;  // the publishing rule (db::changeVisibility)
  std::optional<std::string> reason;
};
db::Lot changeLot(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                  const LotChange& change);
// Retires a lot from which nothing was taken (FailedPrecondition otherwise).
db::Lot retireLot(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                  const std::string& reason);

// The lot if `who` may see it; NotFound ("no lot LOT-...") otherwise.
db::Lot visibleLot(db::Connection& c, const db::Principal& who, std::int64_t lotId);
// A lot `who` may see and act on as its holder (member of its start-up or administrator),
// not retired: NotFound / PermissionDenied / FailedPrecondition.
db::Lot heldLot(db::Connection& c, const db::Principal& who, std::int64_t lotId,
                const std::string& field);

// ---- transformations ----

struct TransformationDraft {
  std::optional<std::int64_t> startUpId;
  std::string kind;
  std::string performedOn;
  struct Input {
    std::string lot;
    MassInput mass;
  };
  struct Addition {
    std::string name;
    MassInput mass;
  };
  struct Output {
    std::optional<std::string> stream;  // default: the stream of the first input
    MassInput mass;
    std::optional<std::string> container;
    Characterisation characterisation;
  };
  std::vector<Input> inputs;
  std::vector<Addition> additions;
  std::vector<Output> outputs;
  std::string notes;
};

// The mass balance of a transformation: inputs + additions = outputs + losses.
struct MassBalance {
  std::int64_t inputMg = 0;
  std::int64_t addedMg = 0;
  std::int64_t outputMg = 0;
  std::int64_t lossMg = 0;     // inputs + additions - outputs (never negative once stored)
  double yieldPercent = 0;     // outputs / (inputs + additions) x 100
};
MassBalance massBalanceOf(const db::Transformation& t);

// Refuses (InvalidArgument, field "outputs", details.rule "mass_balance") outputs heavier
// than the inputs plus the stated additions.
void checkMassBalance(std::int64_t inputMg, std::int64_t addedMg, std::int64_t outputMg);

db::Transformation recordTransformation(Runtime& runtime, const db::Principal& who,
                                        const TransformationDraft& draft);

// ---- transfers ----

struct TransferDraft {
  std::optional<std::int64_t> toStartUpId;
  MassInput mass;
  std::optional<std::string> vehicle;
  std::optional<double> distanceKm;
  std::string notes;
};
db::Transfer offerTransfer(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                           const TransferDraft& draft);

struct TransferAnswer {
  std::optional<std::string> on;            // receipt or refusal date (default: today)
  std::optional<MassInput> receivedMass;    // accepted: weighed on arrival, <= sent
  std::optional<std::string> container;
  std::optional<std::string> reason;        // refused / cancelled
};
// Accept and refuse: the receiving start-up (or an administrator). Accepting makes the
// received lot, held by the receiver. Cancel: the sending start-up (or an administrator).
db::Transfer acceptTransfer(Runtime& runtime, const db::Principal& who, std::int64_t id,
                            const TransferAnswer& answer);
db::Transfer refuseTransfer(Runtime& runtime, const db::Principal& who, std::int64_t id,
                            const TransferAnswer& answer);
db::Transfer cancelTransfer(Runtime& runtime, const db::Principal& who, std::int64_t id,
                            const TransferAnswer& answer);

// ---- uses ----

struct UseDraft {
  MassInput mass;
  std::optional<std::string> batch;         // CMP-000001-F1-B001 of the lot's holder
  std::optional<std::int64_t> route;        // a route of the lot's holder
  std::optional<std::int64_t> step;         // its step number
  std::optional<std::int64_t> component;    // position of a waste-derived component
  std::optional<std::string> usedOn;        // default: today
  std::string notes;
};
db::LotUse useLot(Runtime& runtime, const db::Principal& who, std::int64_t lotId,
                  const UseDraft& draft);

// ---- today ----

// The UTC date of the runtime's clock, "YYYY-MM-DD".
std::string todayOf(const Runtime& runtime);

}  // namespace argan::server
