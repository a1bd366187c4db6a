#include "server/transfer/route_export.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>

#include "chem/molfile_writer.h"
#include "common/error.h"
#include "db/identifiers.h"
#include "db/route_store.h"
#include "db/start_up_store.h"
#include "server/transfer/import_report.h"
#include "server/registry/synthesis_routes.h"

namespace argan::server {
namespace {

std::string number(double value) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << std::setprecision(6) << value;
  return out.str();
}

std::string optionalNumber(const std::optional<double>& value) {
  return value ? number(*value) : std::string();
}

std::string metricValue(const std::vector<chem::Metric>& metrics, const std::string& key) {
  const chem::Metric* m = chem::findMetric(metrics, key);
  return m && m->value ? number(*m->value) : std::string();
}

std::string trafficLights(const std::vector<chem::TrafficLight>& lights) {
  std::string out;
  for (const auto& t : lights) {
    if (!out.empty()) out += "; ";
    out += t.criterion + " " + t.flag;
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += "; ";
    out += i;
  }
  return out;
}

// The step's reaction as text: as given, or canonical when it was given as an RXN file.
std::string reactionText(const db::RouteStepRow& step) {
  return step.reactionSmiles.empty() ? step.canonicalReactionSmiles : step.reactionSmiles;
}

const std::vector<std::string>& csvColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = {"route_id",   "route_name",      "version",      "status",
                                  "visibility", "start_up_id",     "start_up",     "target_compound",
                                  "step",       "step_name",       "reaction_smiles",
                                  "temperature_c", "time_h",       "pressure_bar", "mode",
                                  "workup",     "isolated_yield",  "analysed",     "problems"};
    for (const auto& key : exportedMetricKeys()) c.push_back(key);
    c.push_back("traffic_lights");
    return c;
  }();
  return columns;
}

bool isNumber(const std::string& text) {
  if (text.empty()) return false;
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  double value = 0;
  in >> value;
  return in && in.peek() == std::char_traits<char>::eof();
}

// Text cells are guarded against spreadsheet formulas; numbers (a temperature of -20) are not.
void writeCsvRow(std::ostream& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out << ',';
    out << csvCell(cells[i], /*guardFormulas=*/!isNumber(cells[i]));
  }
  out << "\r\n";
}

// An RD file data value on one line (RD files continue long values on more lines; ours are
// short, but names are user text).
std::string rdValue(const std::string& value) {
  std::string out = value;
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

// The RXN block of a stored step, ending with a newline.
std::string rxnBlock(const db::RouteStepRow& step, const std::string& title) {
  std::string block = step.rxnBlock && !step.rxnBlock->empty()
                          ? *step.rxnBlock
                          : chem::rxnBlockFromReactionSmiles(reactionText(step), title);
  if (block.empty() || block.back() != '\n') block += '\n';
  return block;
}

}  // namespace

const char* routeExportFormatName(RouteExportFormat format) {
  switch (format) {
    case RouteExportFormat::Csv: return "csv";
    case RouteExportFormat::Smiles: return "smiles";
    case RouteExportFormat::Rxn: return "rxn";
  }
  return "csv";
}

std::optional<RouteExportFormat> parseRouteExportFormat(const std::string& name) {
  if (name == "csv") return RouteExportFormat::Csv;
  if (name == "smiles" || name == "smi") return RouteExportFormat::Smiles;
  if (name == "rxn" || name == "rdf") return RouteExportFormat::Rxn;
  return std::nullopt;
}

const char* routeExportContentType(RouteExportFormat format) {
  switch (format) {
    case RouteExportFormat::Csv: return "text/csv; charset=utf-8";
    case RouteExportFormat::Smiles: return "text/plain; charset=utf-8";
    case RouteExportFormat::Rxn: return "chemical/x-mdl-rdfile";
  }
  return "application/octet-stream";
}

const char* routeExportExtension(RouteExportFormat format) {
  switch (format) {
    case RouteExportFormat::Csv: return "csv";
    case RouteExportFormat::Smiles: return "smi";
    case RouteExportFormat::Rxn: return "rdf";
  }
  return "txt";
}

const std::vector<std::string>& exportedMetricKeys() {
  static const std::vector<std::string> keys = {
      "atom_economy",         "theoretical_yield",     "yield",
      "reaction_mass_efficiency", "optimum_efficiency", "carbon_efficiency",
      "pmi",                  "e_factor_simple",       "e_factor_complete",
      "solvent_intensity",    "water_intensity",       "overall_yield",
      "renewable_input_share", "bio_based_input_share", "waste_derived_input_share",
      "unspecified_origin_share", "step_count",        "longest_linear_sequence"};
  return keys;
}

RouteExportSummary exportRoutes(Runtime& runtime, const db::Principal& viewer,
                                const RouteExportOptions& options, std::ostream& out) {
  RouteExportSummary summary;
  std::map<std::int64_t, std::string> startUpNames;
  std::vector<std::int64_t> ids;
  runtime.db.read([&](db::Connection& c) {
    for (const auto& s : db::listStartUps(c)) startUpNames[s.id] = s.name;
    db::RouteFilter filter;
    filter.startUpId = options.startUpId;
    filter.includeRetired = options.includeRetired;
    const std::int64_t pageSize = 500;
    for (std::int64_t page = 0;; ++page) {
      db::RoutePage p = db::listRoutes(c, viewer, filter, page, pageSize);
      for (const auto& r : p.items) ids.push_back(r.id);
      if (static_cast<std::int64_t>(p.items.size()) < pageSize) break;
    }
  });
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  if (options.format == RouteExportFormat::Csv) writeCsvRow(out, csvColumns());
  if (options.format == RouteExportFormat::Rxn) out << "$RDFILE 1\n$DATM " << runtime.clock.nowIso() << "\n";

  for (std::int64_t id : ids) {
    RouteReport report;
    try {
      report = routeReport(runtime, viewer, id);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::NotFound) continue;  // retired or hidden since the listing
      throw;
    }
    const db::Route& route = report.route;
    const std::string startUpName = startUpNames[route.startUpId];
    const std::string target = db::compoundCode(route.targetCompoundId);
    std::map<std::int64_t, const chem::StepAnalysisResult*> analysed;
    for (const auto& s : report.analysis.steps) analysed[s.number] = &s;
    auto routeCells = [&] {
      return std::vector<std::string>{std::to_string(route.id), route.name,
                                      std::to_string(route.version), route.status,
                                      route.visibility, std::to_string(route.startUpId),
                                      startUpName, target};
    };

    for (const auto& step : route.steps) {
      const chem::StepAnalysisResult* result =
          analysed.count(step.number) ? analysed[step.number] : nullptr;
      const std::string stepLabel = std::to_string(route.id) + "/" + std::to_string(step.number);
      switch (options.format) {
        case RouteExportFormat::Csv: {
          std::vector<std::string> cells = routeCells();
          cells.insert(cells.end(),
                       {std::to_string(step.number), step.name, reactionText(step),
                        optionalNumber(step.temperatureC), optionalNumber(step.timeH),
                        optionalNumber(step.pressureBar), step.mode.value_or(""), step.workup,
                        optionalNumber(step.isolatedYield),
                        result && result->ok ? "yes" : "no",
                        result ? (result->ok ? joined(result->analysis.warnings) : result->error)
                               : "not analysed"});
          for (const auto& key : exportedMetricKeys()) {
            cells.push_back(result && result->ok ? metricValue(result->analysis.metrics, key) : "");
          }
          cells.push_back(result && result->ok ? trafficLights(result->analysis.trafficLights) : "");
          writeCsvRow(out, cells);
          break;
        }
        case RouteExportFormat::Smiles:
          out << reactionText(step) << '\t' << stepLabel << ' ' << rdValue(route.name) << ": "
              << rdValue(step.name) << '\n';
          break;
        case RouteExportFormat::Rxn: {
          out << "$RFMT\n"
              << rxnBlock(step, "route " + stepLabel + " " + rdValue(step.name));
          std::vector<std::pair<std::string, std::string>> data = {
              {"route_id", std::to_string(route.id)},
              {"route_name", route.name},
              {"route_version", std::to_string(route.version)},
              {"route_status", route.status},
              {"start_up", startUpName},
              {"target_compound", target},
              {"step", std::to_string(step.number)},
              {"step_name", step.name},
              {"reaction_smiles", reactionText(step)}};
          if (result && result->ok) {
            for (const auto& key : exportedMetricKeys()) {
              std::string v = metricValue(result->analysis.metrics, key);
              if (!v.empty()) data.emplace_back(key, v);
            }
          }
          for (const auto& [name, value] : data) {
            if (value.empty()) continue;
            out << "$DTYPE " << name << "\n$DATUM " << rdValue(value) << "\n";
          }
          break;
        }
      }
      ++summary.steps;
    }
    if (options.format == RouteExportFormat::Csv) {
      std::vector<std::string> cells = routeCells();
      cells.insert(cells.end(), {"route", "", "", "", "", "", "", "", "",
                                 report.analysis.complete ? "yes" : "no",
                                 joined(report.analysis.problems)});
      for (const auto& key : exportedMetricKeys()) {
        cells.push_back(metricValue(report.analysis.metrics, key));
      }
      cells.push_back(trafficLights(report.analysis.worstTrafficLights));
      writeCsvRow(out, cells);
    }
    ++summary.routes;
  }
  if (!out) throw unavailable("the route export could not be written (disk full?)");
  return summary;
}

}  // namespace argan::server
