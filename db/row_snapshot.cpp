#include "db/row_snapshot.h"

#include <Poco/JSON/Object.h>

#include <sstream>

#include "common/digest.h"

namespace argan::db {

std::optional<std::string> snapshotRow(Connection& c, const std::string& table, std::int64_t id,
                                       const std::set<std::string>& redact) {
  Statement st(c, "SELECT * FROM " + table + " WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  Poco::JSON::Object row(Poco::JSON_PRESERVE_KEY_ORDER);
  for (int i = 0; i < st.columnCount(); ++i) {
    const std::string name = st.columnName(i);
    if (redact.count(name)) {
      row.set(name, std::string("[redacted]"));
      continue;
    }
    switch (st.columnType(i)) {
      case SQLITE_NULL: row.set(name, Poco::Dynamic::Var()); break;
      case SQLITE_INTEGER: row.set(name, static_cast<Poco::Int64>(st.getInt(i))); break;
      case SQLITE_FLOAT: row.set(name, st.getDouble(i)); break;
      case SQLITE_BLOB: {
        Poco::JSON::Object blob;
        std::string bytes = st.getBlob(i);
        blob.set("sha256", sha256Hex(bytes));
        blob.set("bytes", static_cast<Poco::Int64>(bytes.size()));
        row.set(name, blob);
        break;
      }
      default: row.set(name, st.getText(i)); break;
    }
  }
  std::ostringstream out;
  row.stringify(out);
  return out.str();
}

}  // namespace argan::db
