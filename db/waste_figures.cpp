#include "db/waste_figures.h"

#include "db/waste_flow_store.h"
#include "db/waste_store.h"

namespace argan::db {
namespace {

// " AND <month> >= ? AND <month> <= ? AND ws.key = ?" for the filters that are set.
std::string monthFilter(const WasteFigureFilter& f, const std::string& monthExpr) {
  std::string out;
  if (f.fromMonth) out += " AND " + monthExpr + " >= ?";
  if (f.toMonth) out += " AND " + monthExpr + " <= ?";
  if (f.streamKey) out += " AND ws.key = ?";
  return out;
}

void bindFilter(Statement& st, const WasteFigureFilter& f) {
  int i = 1;
  if (f.fromMonth) st.bind(i++, *f.fromMonth);
  if (f.toMonth) st.bind(i++, *f.toMonth);
  if (f.streamKey) st.bind(i++, *f.streamKey);
}

void readFlows(Connection& c, const WasteFigureFilter& f, const std::string& measure,
               const std::string& sql, bool withReceiver, std::vector<FlowFigure>& out) {
  Statement st(c, sql);
  bindFilter(st, f);
  while (st.step()) {
    FlowFigure fig;
    fig.measure = measure;
    int i = 0;
    fig.month = st.getText(i++);
    fig.streamKey = st.getText(i++);
    fig.startUpId = st.getInt(i++);
    if (withReceiver) fig.toStartUpId = st.getInt(i++);
    fig.massMg = st.getInt(i++);
    fig.records = st.getInt(i++);
    out.push_back(fig);
  }
}

}  // namespace

WasteFigures wasteFigures(Connection& c, const Principal& viewer, const WasteFigureFilter& f) {
  WasteFigures out;
  // Only integer literals (db/waste_store.h); the same predicate as the lot list's.
  const std::string readable = " AND " + lotReadableSql(viewer, "l");
  // Each measure also needs the record that moved the mass to be readable: what another
  // start-up did with a lot it shares (transformed, used, transferred to a third) is its own
  // (docs/waste.md, "Who sees what").
  const std::string transformationReadable = " AND " + transformationReadableSql(viewer, "t");
  const std::string transferReadable = " AND " + transferReadableSql(viewer, "tr");
  const std::string useReadable = " AND " + lotUseReadableSql(viewer, "u");
  const std::string lotMonth = "substr(l.collected_on, 1, 7)";
  readFlows(c, f, "collected",
            "SELECT " + lotMonth + ", ws.key, l.start_up_id, SUM(l.net_mass_mg), COUNT(*)"
            " FROM lots l JOIN waste_streams ws ON ws.id = l.stream_id"
            " WHERE l.origin = 'collection' AND l.retired_at IS NULL" + readable +
                monthFilter(f, lotMonth) + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            false, out.flows);
  const std::string transformMonth = "substr(t.performed_on, 1, 7)";
  readFlows(c, f, "transformed",
            "SELECT " + transformMonth + ", ws.key, t.start_up_id, SUM(ti.mass_mg), COUNT(*)"
            " FROM transformation_inputs ti JOIN transformations t ON t.id = ti.transformation_id"
            " JOIN lots l ON l.id = ti.lot_id JOIN waste_streams ws ON ws.id = l.stream_id"
            " WHERE 1" + readable + transformationReadable + monthFilter(f, transformMonth) +
                " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            false, out.flows);
  const std::string receiptMonth = "substr(tr.decided_on, 1, 7)";
  readFlows(c, f, "transferred",
            "SELECT " + receiptMonth + ", ws.key, tr.from_start_up_id, tr.to_start_up_id,"
            " SUM(tr.mass_mg), COUNT(*)"
            " FROM lot_transfers tr JOIN lots l ON l.id = tr.lot_id"
            " JOIN waste_streams ws ON ws.id = l.stream_id"
            " WHERE tr.status = 'accepted'" + readable + transferReadable +
                monthFilter(f, receiptMonth) +
                " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
            true, out.flows);
  const std::string useMonth = "substr(u.used_on, 1, 7)";
  readFlows(c, f, "valorised",
            "SELECT " + useMonth + ", ws.key, u.start_up_id, SUM(u.mass_mg), COUNT(*)"
            " FROM lot_uses u JOIN lots l ON l.id = u.lot_id"
            " JOIN waste_streams ws ON ws.id = l.stream_id"
            " WHERE 1" + readable + useReadable + monthFilter(f, useMonth) +
                " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            false, out.flows);

  auto readTransport = [&](const std::string& leg, const std::string& sql) {
    Statement st(c, sql);
    bindFilter(st, f);
    while (st.step()) {
      TransportFigure fig;
      fig.leg = leg;
      fig.month = st.getText(0);
      fig.streamKey = st.getText(1);
      fig.startUpId = st.getInt(2);
      fig.vehicle = st.getText(3);
      fig.tonneKm = st.getDouble(4);
      out.transport.push_back(fig);
    }
  };
  readTransport("collection",
                "SELECT " + lotMonth + ", ws.key, l.start_up_id, l.vehicle,"
                " SUM(l.net_mass_mg / 1e9 * l.distance_km)"
                " FROM lots l JOIN waste_streams ws ON ws.id = l.stream_id"
                " WHERE l.origin = 'collection' AND l.retired_at IS NULL AND l.vehicle IS NOT NULL" +
                    readable + monthFilter(f, lotMonth) + " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4");
  readTransport("transfer",
                "SELECT " + receiptMonth + ", ws.key, tr.from_start_up_id, tr.vehicle,"
                " SUM(tr.mass_mg / 1e9 * tr.distance_km)"
                " FROM lot_transfers tr JOIN lots l ON l.id = tr.lot_id"
                " JOIN waste_streams ws ON ws.id = l.stream_id"
                " WHERE tr.status = 'accepted' AND tr.vehicle IS NOT NULL" + readable +
                    transferReadable + monthFilter(f, receiptMonth) +
                    " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4");
  return out;
}

}  // namespace argan::db
