// Circularity figures of the whole cluster, as sums over the waste tables: what was collected,
// transformed, transferred and used (valorised), per month, stream and start-up, and the
// tonne-kilometres moved per vehicle kind (the CO2e is computed from them by
// server/registry/waste_figures.h with the documented emission factors).
//
// These are aggregates over the lots the viewer may read (lotReadableSql, db/waste_store.h):
// administrators count every lot; a start-up member counts its own lots, the lots shared with
// the cluster and the lots upstream of its own (traceability). A private lot of another
// start-up changes none of its figures, counts or totals. Each measure is counted on the lot
// it moved: the lot collected, the input lot transformed, the lot sent, the lot used. The
// figures never name a source, a lot or a batch.
//   collected    net mass of the lots collected (origin 'collection'), by collection month
//   transformed  mass of the lots that went into transformations, by transformation month
//   transferred  mass of accepted transfers, by receipt month (sender and receiver kept)
//   valorised    mass of lots used as batch inputs or route components, by use month
// Retired lots count nowhere (a lot is retired only while nothing was taken from it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

struct FlowFigure {
  std::string measure;  // collected | transformed | transferred | valorised
  std::string month;    // "2026-03"
  std::string streamKey;
  std::int64_t startUpId = 0;                // collector, transformer, sender or user
  std::optional<std::int64_t> toStartUpId;   // transferred: the receiver
  std::int64_t massMg = 0;
  std::int64_t records = 0;
};

struct TransportFigure {
  std::string leg;  // collection | transfer
  std::string month;
  std::string streamKey;
  std::int64_t startUpId = 0;  // collector or sender
  std::string vehicle;
  double tonneKm = 0;  // sum of mass (t) x distance (km)
};

struct WasteFigureFilter {
  std::optional<std::string> fromMonth;  // "2026-01", inclusive
  std::optional<std::string> toMonth;    // inclusive
  std::optional<std::string> streamKey;
};

struct WasteFigures {
  std::vector<FlowFigure> flows;
  std::vector<TransportFigure> transport;
};

WasteFigures wasteFigures(Connection& c, const Principal& viewer, const WasteFigureFilter& filter);

}  // namespace argan::db
