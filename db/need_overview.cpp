#include "db/need_overview.h"

#include <algorithm>
#include <map>

namespace argan::db {

NeedOverview needOverview(Connection& c) {
  NeedOverview o;
  std::map<std::int64_t, std::size_t> needIndex;
  {
    Statement st(c,
                 "SELECT n.id, n.title, n.sector, n.status, n.outcome,"
                 " (SELECT COUNT(*) FROM need_responses r WHERE r.need_id = n.id AND"
                 "  r.status <> 'withdrawn'),"
                 " (SELECT (julianday(MIN(r.created_at)) - julianday(n.created_at))"
                 "  FROM need_responses r WHERE r.need_id = n.id)"
                 " FROM needs n ORDER BY n.created_at DESC, n.id DESC");
    while (st.step()) {
      FlowNeed n;
      n.id = st.getInt(0);
      n.title = st.getText(1);
      n.sector = st.getText(2);
      n.status = st.getText(3);
      n.outcome = st.getOptionalText(4);
      n.responses = st.getInt(5);
      n.daysToFirstResponse = st.getOptionalDouble(6);
      needIndex[n.id] = o.flow.size();
      o.flow.push_back(n);
    }
  }
  std::map<std::int64_t, std::pair<std::size_t, std::size_t>> projectIndex;
  {
    Statement st(c,
                 "SELECT p.id, p.need_id, p.title, p.start_up_id, s.name, p.stage, p.trl, p.status"
                 " FROM need_projects p JOIN start_ups s ON s.id = p.start_up_id ORDER BY p.id");
    while (st.step()) {
      FlowProject p;
      p.id = st.getInt(0);
      std::int64_t needId = st.getInt(1);
      p.title = st.getText(2);
      p.startUpId = st.getInt(3);
      p.startUpName = st.getText(4);
      p.stage = st.getText(5);
      p.trl = st.getInt(6);
      p.status = st.getText(7);
      auto it = needIndex.find(needId);
      if (it == needIndex.end()) continue;
      auto& projects = o.flow[it->second].projects;
      projectIndex[p.id] = {it->second, projects.size()};
      projects.push_back(p);
      ++o.projects;
    }
  }
  {
    Statement st(c,
                 "SELECT l.project_id, pr.id, CASE pr.catalogue_name WHEN '' THEN pr.name ELSE"
                 " pr.catalogue_name END, pr.current_stage, pr.trl"
                 " FROM need_project_links l JOIN product_records pr ON pr.id = l.record_id"
                 " WHERE l.record_type = 'product' AND l.removed_at IS NULL AND"
                 " pr.retired_at IS NULL ORDER BY l.id");
    while (st.step()) {
      auto it = projectIndex.find(st.getInt(0));
      if (it == projectIndex.end()) continue;
      FlowProduct p;
      p.id = st.getInt(1);
      p.name = st.getText(2);
      p.currentStage = st.getOptionalText(3);
      p.trl = st.getInt(4);
      o.flow[it->second.first].projects[it->second.second].products.push_back(p);
    }
  }
  std::map<std::string, SectorCount> sectors;
  std::map<std::string, std::int64_t> outcomes;
  for (const auto& n : o.flow) {
    ++o.needs;
    auto& s = sectors[n.sector];
    s.sector = n.sector;
    if (n.status == "open") {
      ++o.open;
      ++s.open;
    } else {
      ++o.closed;
      ++s.closed;
      if (n.outcome) ++outcomes[*n.outcome];
    }
    o.responses += n.responses;
    if (n.responses > 0) ++o.answered;
    if (n.daysToFirstResponse) o.daysToFirstResponse.push_back(*n.daysToFirstResponse);
    if (!n.projects.empty()) ++o.withProjects;
    if (std::any_of(n.projects.begin(), n.projects.end(),
                    [](const FlowProject& p) { return !p.products.empty(); })) {
      ++o.withProducts;
    }
  }
  for (auto& [_, s] : sectors) o.bySector.push_back(s);
  for (auto& [k, v] : outcomes) o.outcomes.emplace_back(k, v);
  std::sort(o.daysToFirstResponse.begin(), o.daysToFirstResponse.end());
  return o;
}

}  // namespace argan::db
