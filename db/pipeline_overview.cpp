#include "db/pipeline_overview.h"

#include <algorithm>

#include "common/error.h"
#include "db/record_codes.h"
#include "db/start_up_store.h"

namespace argan::db {
namespace {

// Orders stage keys: the defaults first (in their order), then others by lowest position.
class StageOrder {
 public:
  StageOrder() {
    std::int64_t rank = 0;
    for (const auto& d : defaultStages()) {
      add(d.key, d.name, rank++);
    }
  }
  void add(const std::string& key, const std::string& name, std::int64_t rank) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      index_[key] = entries_.size();
      entries_.push_back({key, name, rank});
    } else if (rank < entries_[it->second].rank && !isDefault(key)) {
      entries_[it->second].rank = rank;
    }
  }
  std::vector<std::pair<std::string, std::string>> ordered() const {
    auto sorted = entries_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : sorted) out.emplace_back(e.key, e.name);
    return out;
  }

 private:
  struct Entry {
    std::string key;
    std::string name;
    std::int64_t rank;
  };
  static bool isDefault(const std::string& key) {
    for (const auto& d : defaultStages()) {
      if (key == d.key) return true;
    }
    return false;
  }
  std::vector<Entry> entries_;
  std::map<std::string, std::size_t> index_;
};

// Custom stages rank after every default one, by their position within their product.
constexpr std::int64_t kCustomRankBase = 1000;

}  // namespace

Funnel pipelineFunnel(Connection& c, const Principal& viewer) {
  struct Row {
    std::int64_t startUpId;
    std::string startUpName;
    std::string stageKey;
    std::string stageName;
    std::int64_t position;
    std::string lastDecision;
    bool complete;
  };
  std::vector<Row> rows;
  {
    Statement st(c,
                 "SELECT pr.start_up_id, su.name, pr.current_stage, s.name, s.position,"
                 // Gate decisions are pipeline data: counted only where the viewer may see
                 // the product's pipeline (a catalogue entry shows its stage, not its gates).
                 " CASE WHEN " +
                     pipelineVisibleSql(viewer, "pr") +
                     " THEN COALESCE(pr.last_decision, '') ELSE '' END,"
                     " pr.pipeline_complete"
                 " FROM product_records pr JOIN start_ups su ON su.id = pr.start_up_id"
                 " JOIN product_stages s ON s.product_id = pr.id AND s.key = pr.current_stage"
                 " WHERE pr.retired_at IS NULL AND " +
                     visibleSql(viewer, "pr"));
    while (st.step()) {
      rows.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getInt(4),
                      st.getText(5), st.getInt(6) != 0});
    }
  }
  StageOrder order;
  for (const auto& r : rows) order.add(r.stageKey, r.stageName, kCustomRankBase + r.position);

  Funnel funnel;
  std::map<std::string, std::size_t> stageIndex;
  for (const auto& [key, name] : order.ordered()) {
    stageIndex[key] = funnel.stages.size();
    FunnelStage s;
    s.key = key;
    s.name = name;
    funnel.stages.push_back(s);
  }
  std::map<std::int64_t, FunnelStartUp> startUps;
  for (const auto& r : rows) {
    FunnelStage& stage = funnel.stages[stageIndex[r.stageKey]];
    ++stage.products;
    if (r.lastDecision == "hold") ++stage.onHold;
    if (r.lastDecision == "stop") ++stage.stopped;
    auto it = std::find_if(stage.byStartUp.begin(), stage.byStartUp.end(),
                           [&](const FunnelStartUpCount& x) { return x.startUpId == r.startUpId; });
    if (it == stage.byStartUp.end()) {
      stage.byStartUp.push_back({r.startUpId, r.startUpName, 1});
    } else {
      ++it->products;
    }
    FunnelStartUp& su = startUps[r.startUpId];
    su.startUpId = r.startUpId;
    su.startUpName = r.startUpName;
    ++su.products;
    ++funnel.products;
    if (r.complete) ++funnel.pipelineComplete;
  }
  for (auto& [id, su] : startUps) {
    for (const auto& s : funnel.stages) su.byStage[s.key] = 0;
    for (const auto& r : rows) {
      if (r.startUpId == id) ++su.byStage[r.stageKey];
    }
    funnel.startUps.push_back(su);
  }
  std::sort(
      funnel.startUps.begin(), funnel.startUps.end(),
      [](const FunnelStartUp& a, const FunnelStartUp& b) { return a.startUpName < b.startUpName; });
  for (auto& s : funnel.stages) {
    std::sort(s.byStartUp.begin(), s.byStartUp.end(),
              [](const FunnelStartUpCount& a, const FunnelStartUpCount& b) {
                return a.startUpName < b.startUpName;
              });
  }
  return funnel;
}

std::optional<OverdueMilestone> overdueMilestone(const Stage& stage, const std::string& today) {
  OverdueMilestone m;
  if (stage.plannedEnd && *stage.plannedEnd < today && stage.status != "done") {
    m.milestone = "end";
    m.plannedDate = *stage.plannedEnd;
  } else if (stage.plannedStart && *stage.plannedStart < today && stage.status == "not_started") {
    m.milestone = "start";
    m.plannedDate = *stage.plannedStart;
  } else {
    return std::nullopt;
  }
  m.productId = stage.productId;
  m.stageKey = stage.key;
  m.stageName = stage.name;
  m.status = stage.status;
  m.daysOverdue = daysBetween(m.plannedDate, today);
  return m;
}

StartUpOverview startUpOverview(Connection& c, const Principal& viewer, std::int64_t startUpId,
                                const std::string& today) {
  auto startUp = findStartUp(c, startUpId);
  if (!startUp) throw notFound("no start-up " + std::to_string(startUpId));
  StartUpOverview overview;
  overview.startUpId = startUpId;
  overview.startUpName = startUp->name;
  overview.today = today;

  ProductFilter filter;
  filter.startUpId = startUpId;
  std::vector<Product> products;
  for (std::int64_t page = 0;; ++page) {
    auto result = listProducts(c, viewer, filter, page, 500);
    products.insert(products.end(), result.items.begin(), result.items.end());
    if (result.items.size() < 500) break;
  }
  overview.products = static_cast<std::int64_t>(products.size());

  StageOrder order;
  std::map<std::string, std::vector<Product>> grouped;
  for (const auto& p : products) {
    if (!p.currentStage) continue;
    auto stage = findStage(c, p.id, *p.currentStage);
    if (stage) order.add(stage->key, stage->name, kCustomRankBase + stage->position);
    grouped[*p.currentStage].push_back(p);
  }
  for (const auto& [key, name] : order.ordered()) {
    auto it = grouped.find(key);
    if (it == grouped.end()) continue;
    overview.byStage.push_back({key, name, it->second});
  }

  // Overdue milestones: pipeline data, so the pipeline rule decides what is listed. A product
  // stopped at a gate has no milestones left to miss.
  std::vector<std::pair<std::int64_t, std::string>> visible;
  {
    Statement st(c,
                 "SELECT pr.id, pr.name FROM product_records pr WHERE pr.start_up_id = ?"
                 " AND pr.retired_at IS NULL"
                 " AND (pr.last_decision IS NULL OR pr.last_decision <> 'stop') AND " +
                     pipelineVisibleSql(viewer, "pr") + " ORDER BY pr.id");
    st.bind(1, startUpId);
    while (st.step()) visible.emplace_back(st.getInt(0), st.getText(1));
  }
  for (const auto& [id, name] : visible) {
    for (const auto& stage : listStages(c, id)) {
      auto m = overdueMilestone(stage, today);
      if (!m) continue;
      m->productName = name;
      overview.overdue.push_back(*m);
    }
  }
  std::stable_sort(overview.overdue.begin(), overview.overdue.end(),
                   [](const OverdueMilestone& a, const OverdueMilestone& b) {
                     return a.daysOverdue > b.daysOverdue;
                   });
  return overview;
}

std::vector<TimelineEvent> productTimeline(Connection& c, const Principal& viewer,
                                           const Product& product) {
  std::vector<TimelineEvent> events;
  events.push_back({dateOf(product.createdAt), product.createdAt, "created", std::nullopt,
                    "product " + product.code() + " '" + product.name + "' created",
                    product.code(), {{"name", product.name}}});
  for (const auto& stage : listStages(c, product.id)) {
    if (stage.actualStart) {
      events.push_back({*stage.actualStart, "", "stage_started", stage.key, stage.name + " started",
                        std::nullopt, {{"name", stage.name}}});
    }
    if (stage.actualEnd && stage.status == "done") {
      events.push_back({*stage.actualEnd, "", "stage_completed", stage.key, stage.name + " done",
                        std::nullopt, {{"name", stage.name}}});
    }
  }
  for (const auto& d : listDecisions(c, product.id)) {
    std::string decidedBy = decidedByFor(viewer, product, d);
    events.push_back({d.decidedOn, d.recordedAt, "gate_decision", d.stageKey,
                      d.decision + " at " + d.stageKey + ": " + d.rationale + " (" + decidedBy + ")",
                      std::to_string(d.id),
                      {{"decision", d.decision}, {"rationale", d.rationale}, {"decided_by", decidedBy}}});
  }
  for (const auto& t : trlHistory(c, product.id)) {
    std::string summary =
        t.previous ? "TRL " + std::to_string(*t.previous) + " -> " + std::to_string(t.trl)
                   : "TRL " + std::to_string(t.trl) + " at creation";
    if (!t.note.empty()) summary += ": " + t.note;
    std::map<std::string, std::string> details{{"trl", std::to_string(t.trl)}, {"note", t.note}};
    if (t.previous) details["trl_from"] = std::to_string(*t.previous);
    events.push_back({dateOf(t.changedAt), t.changedAt, "trl_changed", std::nullopt, summary,
                      std::to_string(t.trl), details});
  }
  {
    Statement st(c,
                 "SELECT dr.id, dr.created_at, dr.stage_key, dr.filename, dr.kind, dr.title"
                 " FROM document_records dr WHERE dr.product_id = ? AND dr.retired_at IS NULL"
                 " AND " +
                     visibleSql(viewer, "dr") + " ORDER BY dr.id");
    st.bind(1, product.id);
    while (st.step()) {
      events.push_back(
          {dateOf(st.getText(1)), st.getText(1), "document_added", st.getOptionalText(2),
           st.getText(4) + " document '" + st.getText(3) + "' added", documentCode(st.getInt(0)),
           {{"filename", st.getText(3)}, {"kind", st.getText(4)}, {"title", st.getText(5)}}});
    }
  }
  if (product.retiredAt) {
    events.push_back({dateOf(*product.retiredAt), *product.retiredAt, "retired", std::nullopt,
                      "retired: " + product.retiredReason.value_or(""), std::nullopt,
                      {{"reason", product.retiredReason.value_or("")}}});
  }
  auto rank = [](const TimelineEvent& e) {
    return e.type == "created" ? 0 : e.type == "retired" ? 2 : 1;
  };
  std::stable_sort(events.begin(), events.end(),
                   [&](const TimelineEvent& a, const TimelineEvent& b) {
                     if (a.date != b.date) return a.date < b.date;
                     if (rank(a) != rank(b)) return rank(a) < rank(b);
                     return a.at < b.at;
                   });
  return events;
}

}  // namespace argan::db
