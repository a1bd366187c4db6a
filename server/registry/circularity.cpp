#include "server/registry/circularity.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "chem/reaction_types.h"
#include "common/error.h"
#include "db/product_store.h"
#include "db/route_store.h"
#include "db/start_up_store.h"
#include "db/waste_store.h"
#include "server/registry/synthesis_routes.h"
#include "server/registry/waste.h"

namespace argan::server {
namespace {

constexpr std::int64_t kMaxShareRoutes = 50;

void checkMonth(const std::optional<std::string>& month, const std::string& field) {
  if (!month) return;
  const std::string& m = *month;
  bool ok = m.size() == 7 && m[4] == '-' &&
            std::all_of(m.begin(), m.begin() + 4, [](char ch) { return ch >= '0' && ch <= '9'; }) &&
            m[5] >= '0' && m[5] <= '1' && m[6] >= '0' && m[6] <= '9' && m.substr(5) >= "01" &&
            m.substr(5) <= "12";
  if (!ok) {
    throw invalidArgument(field + " must be a month written YYYY-MM (got '" + m + "')",
                          {{"field", field}});
  }
}

// The waste-derived input share of a route (chem/route_metrics.cpp, metric
// "waste_derived_input_share"); `missing` says why when there is no value.
WasteShare routeShare(Runtime& runtime, const db::Principal& who, const db::Route& route) {
  WasteShare s;
  s.id = std::to_string(route.id);
  s.name = route.name;
  s.startUpId = route.startUpId;
  s.routes = {route.id};
  try {
    RouteReport report = routeReport(runtime, who, route.id);
    const chem::Metric* m = chem::findMetric(report.analysis.metrics, "waste_derived_input_share");
    if (m && m->value) {
      s.percent = *m->value;
    } else {
      s.missing = m && !m->missing.empty() ? m->missing : "the route's masses are incomplete";
    }
  } catch (const Error& e) {
    s.missing = e.what();
  }
  return s;
}

}  // namespace

CircularityReport circularity(Runtime& runtime, const db::Principal& who,
                              const db::WasteFigureFilter& filter, bool withShares) {
  checkMonth(filter.fromMonth, "from");
  checkMonth(filter.toMonth, "to");
  CircularityReport r;
  r.filter = filter;
  r.counted = db::readScope(who).everything ? "all" : "visible";
  db::WasteFigures figures;
  std::map<std::int64_t, db::StartUp> startUps;
  std::vector<db::Route> visibleRoutes;
  std::vector<db::Product> visibleProducts;
  runtime.db.snapshot([&](db::Connection& c) {
    if (filter.streamKey && !db::findWasteStreamByKey(c, *filter.streamKey)) {
      throw invalidArgument("no waste stream '" + *filter.streamKey + "'", {{"field", "stream"}});
    }
    figures = db::wasteFigures(c, who, filter);
    for (const auto& s : db::listStartUps(c)) startUps[s.id] = s;
    if (withShares) {
      db::RouteFilter rf;
      visibleRoutes = db::listRoutes(c, who, rf, 0, kMaxShareRoutes).items;
      visibleProducts = db::listProducts(c, who, db::ProductFilter{}, 0, 200).items;
    }
  });

  std::map<std::pair<std::string, std::string>, StreamMonthFigures> cells;
  std::map<std::int64_t, StartUpFigures> perStartUp;
  std::map<std::pair<std::string, std::int64_t>, StartUpFigures> perStartUpMonth;
  std::map<std::tuple<std::int64_t, std::int64_t, std::string>, FlowFigures> flows;
  std::set<std::string> months;
  std::set<std::string> streams;
  auto cell = [&](const std::string& month, const std::string& stream) -> StreamMonthFigures& {
    months.insert(month);
    streams.insert(stream);
    auto& f = cells[{month, stream}];
    f.month = month;
    f.stream = stream;
    return f;
  };
  auto named = [&](StartUpFigures& f, std::int64_t id) -> StartUpFigures& {
    f.startUpId = id;
    auto it = startUps.find(id);
    if (it != startUps.end()) {
      f.name = it->second.name;
      f.sector = it->second.sector;
    }
    return f;
  };
  // Adds `apply` to the start-up's figures over the period and in `month`.
  auto startUp = [&](std::int64_t id, const std::string& month, auto apply) {
    apply(named(perStartUp[id], id));
    StartUpFigures& m = named(perStartUpMonth[{month, id}], id);
    m.month = month;
    apply(m);
  };
  for (const auto& f : figures.flows) {
    StreamMonthFigures& sm = cell(f.month, f.streamKey);
    if (f.measure == "collected") {
      sm.collectedMg += f.massMg;
      sm.lotsCollected += f.records;
      startUp(f.startUpId, f.month, [&](StartUpFigures& x) { x.collectedMg += f.massMg; });
    } else if (f.measure == "transformed") {
      sm.transformedMg += f.massMg;
      startUp(f.startUpId, f.month, [&](StartUpFigures& x) { x.transformedMg += f.massMg; });
    } else if (f.measure == "transferred") {
      sm.transferredMg += f.massMg;
      startUp(f.startUpId, f.month, [&](StartUpFigures& x) { x.transferredOutMg += f.massMg; });
      if (f.toStartUpId) {
        startUp(*f.toStartUpId, f.month,
                [&](StartUpFigures& x) { x.transferredInMg += f.massMg; });
        auto& flow = flows[{f.startUpId, *f.toStartUpId, f.streamKey}];
        flow.fromStartUpId = f.startUpId;
        flow.toStartUpId = *f.toStartUpId;
        flow.stream = f.streamKey;
        flow.massMg += f.massMg;
        flow.transfers += f.records;
      }
    } else if (f.measure == "valorised") {
      sm.valorisedMg += f.massMg;
      startUp(f.startUpId, f.month, [&](StartUpFigures& x) { x.valorisedMg += f.massMg; });
    }
  }
  std::map<std::string, VehicleFigures> vehicles;
  for (const auto& t : figures.transport) {
    const EmissionFactor* factor = transportEmissionFactors().find(t.vehicle);
    double co2e = factor ? t.tonneKm * factor->kgCo2ePerTonneKm : 0;
    cell(t.month, t.streamKey).transportCo2eKg += co2e;
    startUp(t.startUpId, t.month, [&](StartUpFigures& x) {
      x.tonneKm += t.tonneKm;
      x.transportCo2eKg += co2e;
    });
    VehicleFigures& v = vehicles[t.vehicle];
    v.vehicle = t.vehicle;
    v.tonneKm += t.tonneKm;
    v.factor = factor ? factor->kgCo2ePerTonneKm : 0;
    v.co2eKg += co2e;
    r.transportCo2eKg += co2e;
  }

  r.months.assign(months.begin(), months.end());
  r.streams.assign(streams.begin(), streams.end());
  for (auto& [key, f] : cells) {
    r.totals.collectedMg += f.collectedMg;
    r.totals.transformedMg += f.transformedMg;
    r.totals.transferredMg += f.transferredMg;
    r.totals.valorisedMg += f.valorisedMg;
    r.totals.lotsCollected += f.lotsCollected;
    r.totals.transportCo2eKg += f.transportCo2eKg;
    r.perStreamMonth.push_back(f);
  }
  for (auto& [id, f] : perStartUp) r.perStartUp.push_back(f);
  for (auto& [key, f] : perStartUpMonth) r.perStartUpMonth.push_back(f);
  for (auto& [key, f] : flows) r.flows.push_back(f);
  for (auto& [key, v] : vehicles) r.vehicles.push_back(v);

  if (withShares) {
    std::map<std::int64_t, WasteShare> byRoute;
    for (const auto& route : visibleRoutes) {
      WasteShare s = routeShare(runtime, who, route);
      byRoute[route.id] = s;
      r.routes.push_back(s);
    }
    for (const auto& p : visibleProducts) {
      WasteShare s;
      s.id = p.code();
      s.name = p.name;
      s.startUpId = p.startUpId;
      // The share of the product's first visible linked route that makes each registered
      // compound; without one, of a visible route of the product's start-up making it
      // (validated first).
      auto shareOf = [&](std::int64_t compoundId) -> const WasteShare* {
        for (std::int64_t routeId : p.routeIds) {
          auto it = byRoute.find(routeId);
          if (it == byRoute.end()) continue;
          auto route = std::find_if(visibleRoutes.begin(), visibleRoutes.end(),
                                    [&](const db::Route& x) { return x.id == routeId; });
          if (route != visibleRoutes.end() && route->targetCompoundId == compoundId) {
            return &it->second;
          }
        }
        const WasteShare* fallback = nullptr;
        for (const auto& route : visibleRoutes) {
          if (route.targetCompoundId != compoundId || route.startUpId != p.startUpId) continue;
          const WasteShare* share = &byRoute.at(route.id);
          if (route.status == "validated") return share;
          if (!fallback) fallback = share;
        }
        return fallback;
      };
      if (p.composition == "compound" && p.compoundId) {
        const WasteShare* route = shareOf(*p.compoundId);
        if (!route) {
          s.missing = "no visible route makes the product's compound";
        } else {
          s.routes = route->routes;
          s.percent = route->percent;
          s.missing = route->missing;
        }
      } else {
        double total = 0;
        bool complete = true;
        for (const auto& comp : p.components) {
          const WasteShare* route = comp.compoundId ? shareOf(*comp.compoundId) : nullptr;
          if (!route || !route->percent) {
            complete = false;
            s.missing = "no route share for the component '" +
                        (comp.name.empty() ? "compound " + std::to_string(comp.compoundId.value_or(0))
                                           : comp.name) +
                        "'";
            break;
          }
          s.routes.push_back(route->routes.front());
          total += comp.percentage / 100.0 * *route->percent;
        }
        if (complete) s.percent = total;
      }
      r.products.push_back(s);
    }
  }
  return r;
}

}  // namespace argan::server
