// The cluster's circularity figures: tonnes of waste collected, transformed, transferred and
// valorised per stream, per start-up and per month; the flows between start-ups; the
// transport CO2e of collections and transfers, computed from tonne-kilometres and the
// documented emission factors (waste.h transportEmissionFactors); and the share of
// waste-derived mass in each route and product the caller may see.
//
// The tonnes are sums over the lots the caller may read (db/waste_figures.h): every lot for
// administrators; for a start-up member its own lots, those shared with the cluster and those
// upstream of its own — another start-up's private lot counts nowhere in its figures. They
// name start-ups and streams, never a source, a lot or a batch. Route and product shares are
// computed only for the routes and products visible to the caller. Nothing here is stored:
// every figure is recomputed on each call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/access.h"
#include "db/waste_figures.h"
#include "server/core/runtime.h"

namespace argan::server {

struct StreamMonthFigures {
  std::string month;
  std::string stream;
  std::int64_t collectedMg = 0;
  std::int64_t transformedMg = 0;
  std::int64_t transferredMg = 0;
  std::int64_t valorisedMg = 0;
  std::int64_t lotsCollected = 0;
  double transportCo2eKg = 0;
};

struct StartUpFigures {
  std::string month;  // empty for the totals over the period
  std::int64_t startUpId = 0;
  std::string name;
  std::string sector;
  std::int64_t collectedMg = 0;
  std::int64_t transformedMg = 0;
  std::int64_t transferredOutMg = 0;
  std::int64_t transferredInMg = 0;
  std::int64_t valorisedMg = 0;
  double tonneKm = 0;
  double transportCo2eKg = 0;
};

struct FlowFigures {
  std::int64_t fromStartUpId = 0;
  std::int64_t toStartUpId = 0;
  std::string stream;
  std::int64_t massMg = 0;
  std::int64_t transfers = 0;
};

struct VehicleFigures {
  std::string vehicle;
  double tonneKm = 0;
  double factor = 0;  // kg CO2e per tonne.km
  double co2eKg = 0;
};

struct WasteShare {
  std::string id;  // route id ("5") or product code ("PRD-000002")
  std::string name;
  std::int64_t startUpId = 0;
  std::optional<double> percent;  // waste-derived share of the raw-material input mass
  std::vector<std::int64_t> routes;  // products: the routes the share comes from
  std::string missing;               // why there is no value
};

struct CircularityReport {
  db::WasteFigureFilter filter;
  // "all": every lot of the cluster (administrators); "visible": the lots the caller may read.
  std::string counted = "visible";
  std::vector<std::string> months;  // every month with a figure, ascending
  std::vector<std::string> streams;
  std::vector<StreamMonthFigures> perStreamMonth;
  std::vector<StartUpFigures> perStartUp;       // over the period
  std::vector<StartUpFigures> perStartUpMonth;  // by month
  std::vector<FlowFigures> flows;
  std::vector<VehicleFigures> vehicles;
  StreamMonthFigures totals;  // month and stream empty
  double transportCo2eKg = 0;
  std::vector<WasteShare> routes;
  std::vector<WasteShare> products;
};

// InvalidArgument when a month filter is not YYYY-MM (field "from" / "to") or the stream is
// unknown (field "stream").
CircularityReport circularity(Runtime& runtime, const db::Principal& who,
                              const db::WasteFigureFilter& filter, bool withShares = true);

}  // namespace argan::server
