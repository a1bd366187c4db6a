#include "db/registry_store.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "db/audit.h"
#include "db/identifiers.h"
#include "db/row_snapshot.h"
#include "db/start_up_store.h"

namespace argan::db {
namespace {

constexpr const char* kCompoundColumns =
    "c.id, c.start_up_id, c.visibility, c.full_hash, c.formula, c.canonical_smiles,"
    " c.tautomer_hash, c.no_stereo_smiles, c.no_stereo_tautomer_hash, c.skeleton, c.inchi,"
    " c.inchikey, c.mw, c.exact_mass, c.clogp, c.tpsa, c.hbd, c.hba, c.rotatable_bonds,"
    " c.heavy_atoms, c.rings, c.aromatic_rings, c.fraction_sp3, c.formal_charge,"
    " c.standardizer, c.standardization_steps, c.created_at, c.created_by, c.updated_at,"
    " c.retired_at, c.retired_reason, c.name, c.cas, c.superseded_by";
constexpr const char* kCompoundBinaryColumns = ", c.morgan_fp, c.pattern_fp, c.mol_pickle";

Compound readCompound(Statement& st, bool withBinary) {
  Compound r;
  int i = 0;
  r.id = st.getInt(i++);
  r.startUpId = st.getInt(i++);
  r.visibility = st.getText(i++);
  auto& id = r.identity;
  id.fullHash = st.getText(i++);
  id.formula = st.getText(i++);
  id.canonicalSmiles = st.getText(i++);
  id.tautomerHash = st.getText(i++);
  id.noStereoSmiles = st.getText(i++);
  id.noStereoTautomerHash = st.getText(i++);
  id.skeleton = st.getText(i++);
  id.inchi = st.getText(i++);
  id.inchiKey = st.getText(i++);
  id.mw = st.getDouble(i++);
  id.exactMass = st.getDouble(i++);
  id.clogp = st.getDouble(i++);
  id.tpsa = st.getDouble(i++);
  id.hbd = st.getInt(i++);
  id.hba = st.getInt(i++);
  id.rotatableBonds = st.getInt(i++);
  id.heavyAtoms = st.getInt(i++);
  id.rings = st.getInt(i++);
  id.aromaticRings = st.getInt(i++);
  id.fractionSp3 = st.getDouble(i++);
  id.formalCharge = st.getInt(i++);
  id.standardizer = st.getText(i++);
  id.standardizationStepsJson = st.getText(i++);
  r.createdAt = st.getText(i++);
  r.createdBy = st.getOptionalInt(i++);
  r.updatedAt = st.getText(i++);
  r.retiredAt = st.getOptionalText(i++);
  r.retiredReason = st.getOptionalText(i++);
  r.name = st.getText(i++);
  r.cas = st.getOptionalText(i++);
  r.supersededBy = st.getOptionalInt(i++);
  if (withBinary) {
    id.morganFp = st.getBlob(i++);
    id.patternFp = st.getBlob(i++);
    id.molPickle = st.getBlob(i++);
  }
  return r;
}

constexpr const char* kFormColumns =
    "id, compound_id, form_number, form_key, label, parent_count, components, created_at,"
    " inchikey";

CompoundForm readForm(Statement& st) {
  CompoundForm f;
  f.id = st.getInt(0);
  f.compoundId = st.getInt(1);
  f.formNumber = st.getInt(2);
  f.key = st.getText(3);
  f.label = st.getText(4);
  f.parentCount = st.getInt(5);
  f.componentsJson = st.getText(6);
  f.createdAt = st.getText(7);
  f.inchiKey = st.getText(8);
  return f;
}

constexpr const char* kBatchColumns =
    "br.id, br.form_id, br.compound_id, br.form_number, br.batch_number, br.start_up_id,"
    " br.visibility, br.amount, br.amount_unit, br.purity, br.prepared_on, br.researcher,"
    " br.notebook_ref, br.storage, br.notes, br.properties, br.submitted_structure,"
    " br.submitted_format, br.created_at, br.created_by, br.updated_at, br.retired_at,"
    " br.retired_reason, br.standardizer, br.submitted_inchikey";

Batch readBatch(Statement& st) {
  Batch b;
  int i = 0;
  b.id = st.getInt(i++);
  b.formId = st.getInt(i++);
  b.compoundId = st.getInt(i++);
  b.formNumber = st.getInt(i++);
  b.batchNumber = st.getInt(i++);
  b.startUpId = st.getInt(i++);
  b.visibility = st.getText(i++);
  b.amount = st.getOptionalDouble(i++);
  b.amountUnit = st.getOptionalText(i++);
  b.purity = st.getOptionalDouble(i++);
  b.preparedOn = st.getOptionalText(i++);
  b.researcher = st.getText(i++);
  b.notebookRef = st.getText(i++);
  b.storage = st.getText(i++);
  b.notes = st.getText(i++);
  b.propertiesJson = st.getText(i++);
  b.submittedStructure = st.getText(i++);
  b.submittedFormat = st.getText(i++);
  b.createdAt = st.getText(i++);
  b.createdBy = st.getOptionalInt(i++);
  b.updatedAt = st.getText(i++);
  b.retiredAt = st.getOptionalText(i++);
  b.retiredReason = st.getOptionalText(i++);
  b.standardizer = st.getText(i++);
  b.submittedInchiKey = st.getText(i++);
  return b;
}

bool isValidUnit(const std::string& unit) {
  static const char* units[] = {"mg", "g", "kg", "t", "uL", "mL", "L", "m3", "umol", "mmol", "mol"};
  return std::any_of(std::begin(units), std::end(units), [&](const char* u) { return unit == u; });
}

bool isIsoDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  int year = std::stoi(d.substr(0, 4));
  int month = std::stoi(d.substr(5, 2));
  int day = std::stoi(d.substr(8, 2));
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > days[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

void checkLength(const std::string& value, std::size_t max, const char* field) {
  if (value.size() > max) {
    throw invalidArgument(std::string(field) + " is longer than " + std::to_string(max) +
                              " characters",
                          {{"field", std::string("batch.") + field}});
  }
}

std::int64_t nextNumber(Connection& c, const std::string& sql, std::int64_t parentId) {
  Statement st(c, sql);
  st.bind(1, parentId);
  st.step();
  return st.isNull(0) ? 1 : st.getInt(0) + 1;
}

std::int64_t insertCompound(Connection& c, const Clock& clock, const std::string& now,
                            const Principal& actor, std::int64_t startUpId,
                            const CompoundIdentity& id) {
  const std::int64_t rowId = allocateRecordId(c, clock, "compounds");
  Statement st(c,
               "INSERT INTO compounds(start_up_id, full_hash, formula, canonical_smiles,"
               " tautomer_hash, no_stereo_smiles, no_stereo_tautomer_hash, skeleton, inchi,"
               " inchikey, mw, exact_mass, clogp, tpsa, hbd, hba, rotatable_bonds, heavy_atoms,"
               " rings, aromatic_rings, fraction_sp3, formal_charge, morgan_fp, pattern_fp,"
               " mol_pickle, standardizer, standardization_steps, created_at, created_by,"
               " updated_at, id)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, startUpId);
  st.bind(2, id.fullHash);
  st.bind(3, id.formula);
  st.bind(4, id.canonicalSmiles);
  st.bind(5, id.tautomerHash);
  st.bind(6, id.noStereoSmiles);
  st.bind(7, id.noStereoTautomerHash);
  st.bind(8, id.skeleton);
  st.bind(9, id.inchi);
  st.bind(10, id.inchiKey);
  st.bind(11, id.mw);
  st.bind(12, id.exactMass);
  st.bind(13, id.clogp);
  st.bind(14, id.tpsa);
  st.bind(15, id.hbd);
  st.bind(16, id.hba);
  st.bind(17, id.rotatableBonds);
  st.bind(18, id.heavyAtoms);
  st.bind(19, id.rings);
  st.bind(20, id.aromaticRings);
  st.bind(21, id.fractionSp3);
  st.bind(22, id.formalCharge);
  st.bindBlob(23, id.morganFp);
  st.bindBlob(24, id.patternFp);
  st.bindBlob(25, id.molPickle);
  st.bind(26, id.standardizer);
  st.bind(27, id.standardizationStepsJson);
  st.bind(28, now);
  if (actor.userId) {
    st.bind(29, actor.userId);
  } else {
    st.bindNull(29);
  }
  st.bind(30, now);
  st.bind(31, rowId);
  st.run();
  return rowId;
}

CompoundForm loadForm(Connection& c, std::int64_t formId) {
  Statement st(c, std::string("SELECT ") + kFormColumns + " FROM compound_forms WHERE id = ?");
  st.bind(1, formId);
  if (!st.step()) throw internalError("form " + std::to_string(formId) + " vanished");
  return readForm(st);
}

Batch loadBatch(Connection& c, std::int64_t batchId) {
  Statement st(c, std::string("SELECT ") + kBatchColumns + " FROM batch_records br WHERE br.id = ?");
  st.bind(1, batchId);
  if (!st.step()) throw internalError("batch " + std::to_string(batchId) + " vanished");
  return readBatch(st);
}

}  // namespace

std::string Compound::code() const { return compoundCode(id); }
std::string CompoundForm::code() const { return formCode(compoundId, formNumber); }
std::string Batch::code() const { return batchCode(compoundId, formNumber, batchNumber); }
std::string RelatedCompound::code() const { return compoundCode(id); }

const char* outcomeName(RegistrationOutcome outcome) {
  switch (outcome) {
    case RegistrationOutcome::NewCompound: return "new_compound";
    case RegistrationOutcome::NewForm: return "new_form";
    case RegistrationOutcome::NewBatch: return "new_batch";
  }
  return "new_compound";
}

void validateBatchInput(const BatchInput& b) {
  if (b.amount && (*b.amount < 0 || !(*b.amount == *b.amount))) {
    throw invalidArgument("amount must be a non-negative number", {{"field", "batch.amount"}});
  }
  if (b.amount && *b.amount > 1e9) {
    throw invalidArgument("amount is at most 1000000000 of its unit (use a larger unit)",
                          {{"field", "batch.amount"}});
  }
  if (b.amount && !b.amountUnit) {
    throw invalidArgument("an amount needs a unit (mg, g, kg, t, uL, mL, L, m3, umol, mmol, mol)",
                          {{"field", "batch.unit"}});
  }
  if (b.amountUnit && !isValidUnit(*b.amountUnit)) {
    throw invalidArgument("unknown unit '" + *b.amountUnit +
                              "'; use mg, g, kg, t, uL, mL, L, m3, umol, mmol or mol",
                          {{"field", "batch.unit"}});
  }
  if (b.purity && (*b.purity < 0 || *b.purity > 100 || !(*b.purity == *b.purity))) {
    throw invalidArgument("purity is a percentage between 0 and 100", {{"field", "batch.purity"}});
  }
  if (b.preparedOn && !isIsoDate(*b.preparedOn)) {
    throw invalidArgument("prepared_on must be a date written YYYY-MM-DD",
                          {{"field", "batch.prepared_on"}});
  }
  checkLength(b.researcher, 200, "researcher");
  checkLength(b.notebookRef, 200, "notebook_ref");
  checkLength(b.storage, 200, "storage");
  checkLength(b.notes, 20000, "notes");
  checkLength(b.propertiesJson, 65536, "properties");
}

Registration registerCompound(Connection& c, const Clock& clock, const Principal& actor,
                              std::int64_t startUpId, const CompoundIdentity& identity,
                              const FormIdentity& formIdentity, const BatchInput& batch) {
  validateBatchInput(batch);
  if (!findStartUp(c, startUpId)) {
    throw notFound("no start-up with id " + std::to_string(startUpId), {{"field", "start_up"}});
  }
  const std::string now = clock.nowIso();
  Registration result;

  std::optional<std::int64_t> compoundId;
  {
    Statement st(c,
                 "SELECT id, retired_at FROM compounds WHERE start_up_id = ? AND full_hash = ?");
    st.bind(1, startUpId).bind(2, identity.fullHash);
    if (st.step()) {
      compoundId = st.getInt(0);
      if (!st.isNull(1)) {
        throw failedPrecondition(compoundCode(*compoundId) +
                                     " is retired; reinstate it before registering new batches",
                                 {{"compound", compoundCode(*compoundId)}});
      }
    }
  }
  const bool newCompound = !compoundId;
  if (newCompound) {
    compoundId = insertCompound(c, clock, now, actor, startUpId, identity);
    appendAudit(c, clock, actor,
                {"create", "compound", compoundCode(*compoundId), std::nullopt,
                 snapshotRow(c, "compounds", *compoundId), std::nullopt});
  }

  std::optional<std::int64_t> formId;
  {
    Statement st(c, "SELECT id FROM compound_forms WHERE compound_id = ? AND form_key = ?");
    st.bind(1, *compoundId).bind(2, formIdentity.key);
    if (st.step()) formId = st.getInt(0);
  }
  if (!formId) {
    std::int64_t number = nextNumber(
        c, "SELECT MAX(form_number) FROM compound_forms WHERE compound_id = ?", *compoundId);
    Statement st(c,
                 "INSERT INTO compound_forms(compound_id, form_number, form_key, label,"
                 " parent_count, components, created_at, created_by, inchikey)"
                 " VALUES (?,?,?,?,?,?,?,?,?)");
    st.bind(1, *compoundId)
        .bind(2, number)
        .bind(3, formIdentity.key)
        .bind(4, formIdentity.label)
        .bind(5, formIdentity.parentCount)
        .bind(6, formIdentity.componentsJson)
        .bind(7, now);
    if (actor.userId) st.bind(8, actor.userId); else st.bindNull(8);
    st.bind(9, formIdentity.inchiKey);
    st.run();
    formId = c.lastInsertId();
    result.outcome = newCompound ? RegistrationOutcome::NewCompound : RegistrationOutcome::NewForm;
    appendAudit(c, clock, actor,
                {"create", "compound_form", formCode(*compoundId, number), std::nullopt,
                 snapshotRow(c, "compound_forms", *formId), std::nullopt});
  } else {
    result.outcome = RegistrationOutcome::NewBatch;  // (a new parent always has a new form)
  }

  std::int64_t batchNumber =
      nextNumber(c, "SELECT MAX(batch_number) FROM batches WHERE form_id = ?", *formId);
  {
    Statement st(c,
                 "INSERT INTO batches(form_id, batch_number, amount, amount_unit, purity,"
                 " prepared_on, researcher, notebook_ref, storage, notes, properties,"
                 " submitted_structure, submitted_format, created_at, created_by, updated_at,"
                 " standardizer, submitted_inchikey) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, *formId)
        .bind(2, batchNumber)
        .bind(3, batch.amount)
        .bind(4, batch.amountUnit)
        .bind(5, batch.purity)
        .bind(6, batch.preparedOn)
        .bind(7, batch.researcher)
        .bind(8, batch.notebookRef)
        .bind(9, batch.storage)
        .bind(10, batch.notes)
        .bind(11, batch.propertiesJson)
        .bind(12, batch.submittedStructure)
        .bind(13, batch.submittedFormat)
        .bind(14, now);
    if (actor.userId) st.bind(15, actor.userId); else st.bindNull(15);
    st.bind(16, now).bind(17, batch.standardizer).bind(18, batch.submittedInchiKey).run();
  }
  std::int64_t batchId = c.lastInsertId();
  result.form = loadForm(c, *formId);
  appendAudit(c, clock, actor,
              {"create", "batch", batchCode(*compoundId, result.form.formNumber, batchNumber),
               std::nullopt, snapshotRow(c, "batches", batchId), std::nullopt});
  result.batch = loadBatch(c, batchId);
  Principal admin;
  admin.role = Role::Admin;
  result.compound = *findCompound(c, admin, *compoundId);
  return result;
}

std::optional<Compound> findCompound(Connection& c, const Principal& viewer, std::int64_t id,
                                     bool withBinary) {
  std::string sql = std::string("SELECT ") + kCompoundColumns +
                    (withBinary ? kCompoundBinaryColumns : "") +
                    " FROM compounds c WHERE c.id = ? AND " + visibleSql(viewer, "c");
  Statement st(c, sql);
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return readCompound(st, withBinary);
}

CompoundPage listCompounds(Connection& c, const Principal& viewer, const CompoundFilter& f,
                           std::int64_t page, std::int64_t pageSize) {
  if (page < 0) throw invalidArgument("page must be 0 or more", {{"field", "page"}});
  if (pageSize < 1 || pageSize > 500) {
    throw invalidArgument("page_size must be between 1 and 500", {{"field", "page_size"}});
  }
  // Listing one start-up: the rule for its rows alone, so that the (start_up_id, visibility)
  // index skips the rows the viewer may not see instead of visiting and discarding them.
  std::string where = " WHERE " + (f.startUpId ? readScope(viewer).sqlForOwner(*f.startUpId, "c.visibility")
                                       : visibleSql(viewer, "c"));
  if (!f.includeRetired) where += " AND c.retired_at IS NULL";
  // Parameters are bound positionally, in this order, by bindAll.
  if (f.startUpId) where += " AND c.start_up_id = ?";
  if (f.formula) where += " AND c.formula = ?";
  if (f.mwMin) where += " AND c.mw >= ?";
  if (f.mwMax) where += " AND c.mw <= ?";
  // An InChIKey names the parent, one of its forms (a salt's own key) or a structure as a
  // batch submitted it, of a batch the viewer may see.
  if (f.inchiKey) {
    where +=
        " AND (c.inchikey = ? OR EXISTS (SELECT 1 FROM batch_records br JOIN compound_forms fm"
        " ON fm.id = br.form_id WHERE br.compound_id = c.id AND (fm.inchikey = ? OR"
        " br.submitted_inchikey = ?) AND " +
        visibleSql(viewer, "br") + "))";
  }
  if (f.visibility) where += " AND c.visibility = ?";
  auto bindAll = [&](Statement& st) {
    int i = 1;
    if (f.startUpId) st.bind(i++, *f.startUpId);
    if (f.formula) st.bind(i++, *f.formula);
    if (f.mwMin) st.bind(i++, *f.mwMin);
    if (f.mwMax) st.bind(i++, *f.mwMax);
    if (f.inchiKey) {
      for (int k = 0; k < 3; ++k) st.bind(i++, *f.inchiKey);
    }
    if (f.visibility) st.bind(i++, *f.visibility);
    return i;
  };
  CompoundPage result;
  {
    Statement count(c, "SELECT COUNT(*) FROM compounds c" + where);
    bindAll(count);
    count.step();
    result.total = count.getInt(0);
  }
  // Ordered by "+id" when listing one start-up: sorting the visible rows instead of walking
  // the owner's rows in id order (which visits the hidden ones) keeps the planner on the
  // (start_up_id, visibility) index.
  Statement st(c, std::string("SELECT ") + kCompoundColumns + " FROM compounds c" + where +
                      (f.startUpId ? " ORDER BY +c.id DESC" : " ORDER BY c.id DESC") +
                      " LIMIT ? OFFSET ?");
  int next = bindAll(st);
  st.bind(next, pageSize).bind(next + 1, page * pageSize);
  while (st.step()) result.items.push_back(readCompound(st, false));
  return result;
}

std::vector<CompoundForm> listForms(Connection& c, const Principal& viewer,
                                   std::int64_t compoundId) {
  Statement st(c, std::string("SELECT ") + kFormColumns +
                      " FROM compound_forms WHERE compound_id = ? AND EXISTS (SELECT 1 FROM"
                      " batch_records br WHERE br.form_id = compound_forms.id AND " +
                      visibleSql(viewer, "br") + ") ORDER BY form_number");
  st.bind(1, compoundId);
  std::vector<CompoundForm> out;
  while (st.step()) out.push_back(readForm(st));
  return out;
}

std::vector<Batch> listBatches(Connection& c, const Principal& viewer, std::int64_t compoundId) {
  Statement st(c, std::string("SELECT ") + kBatchColumns +
                      " FROM batch_records br WHERE br.compound_id = ? AND " +
                      visibleSql(viewer, "br") + " AND " +
                      visibleSqlColumns(viewer, "br.start_up_id", "br.compound_visibility") +
                      " ORDER BY br.form_number, br.batch_number");
  st.bind(1, compoundId);
  std::vector<Batch> out;
  while (st.step()) out.push_back(readBatch(st));
  return out;
}

std::optional<Batch> findBatch(Connection& c, const Principal& viewer, std::int64_t compoundId,
                               std::int64_t formNumber, std::int64_t batchNumber) {
  Statement st(c, std::string("SELECT ") + kBatchColumns +
                      " FROM batch_records br WHERE br.compound_id = ? AND br.form_number = ?"
                      " AND br.batch_number = ? AND " +
                      visibleSql(viewer, "br") + " AND " +
                      visibleSqlColumns(viewer, "br.start_up_id", "br.compound_visibility"));
  st.bind(1, compoundId).bind(2, formNumber).bind(3, batchNumber);
  if (!st.step()) return std::nullopt;
  return readBatch(st);
}

std::vector<RelatedCompound> findRelatedCompounds(Connection& c, const Principal& viewer,
                                                  const CompoundIdentity& identity,
                                                  std::int64_t excludeId, std::size_t limit) {
  Statement st(c,
               "SELECT c.id, c.start_up_id, c.canonical_smiles, c.full_hash, c.no_stereo_smiles"
               " FROM compounds c WHERE c.id <> ? AND c.retired_at IS NULL"
               " AND (c.full_hash = ? OR c.no_stereo_smiles = ? OR c.skeleton = ?) AND " +
                   visibleSql(viewer, "c") + " ORDER BY c.id LIMIT ?");
  st.bind(1, excludeId)
      .bind(2, identity.fullHash)
      .bind(3, identity.noStereoSmiles)
      .bind(4, identity.skeleton)
      .bind(5, static_cast<std::int64_t>(limit));
  std::vector<RelatedCompound> out;
  while (st.step()) {
    RelatedCompound r;
    r.id = st.getInt(0);
    r.startUpId = st.getInt(1);
    r.canonicalSmiles = st.getText(2);
    if (st.getText(3) == identity.fullHash) {
      r.relation = "same_structure";
    } else if (st.getText(4) == identity.noStereoSmiles) {
      r.relation = "stereoisomer";
    } else {
      r.relation = "tautomer_candidate";
    }
    out.push_back(std::move(r));
  }
  return out;
}

void retireCompound(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                    const std::string& reason) {
  if (reason.empty() || reason.size() > 2000) {
    throw invalidArgument("retiring needs a reason (1 to 2000 characters)", {{"field", "reason"}});
  }
  auto before = snapshotRow(c, "compounds", id);
  if (!before) throw notFound("no compound " + compoundCode(id));
  Statement st(c,
               "UPDATE compounds SET retired_at = ?, retired_reason = ?, updated_at = ?"
               " WHERE id = ? AND retired_at IS NULL");
  std::string now = clock.nowIso();
  st.bind(1, now).bind(2, reason).bind(3, now).bind(4, id).run();
  if (c.changes() == 0) throw failedPrecondition(compoundCode(id) + " is already retired");
  appendAudit(c, clock, actor,
              {"retire", "compound", compoundCode(id), before, snapshotRow(c, "compounds", id),
               reason});
}

}  // namespace argan::db

namespace argan::db {

std::optional<Compound> findCompoundByHash(Connection& c, std::int64_t startUpId,
                                           const std::string& fullHash) {
  Statement st(c, std::string("SELECT ") + kCompoundColumns +
                      " FROM compounds c WHERE c.start_up_id = ? AND c.full_hash = ?");
  st.bind(1, startUpId).bind(2, fullHash);
  if (!st.step()) return std::nullopt;
  return readCompound(st, false);
}

std::optional<CompoundForm> findFormByKey(Connection& c, std::int64_t compoundId,
                                          const std::string& formKey) {
  Statement st(c, std::string("SELECT ") + kFormColumns +
                      " FROM compound_forms WHERE compound_id = ? AND form_key = ?");
  st.bind(1, compoundId).bind(2, formKey);
  if (!st.step()) return std::nullopt;
  return readForm(st);
}

const char* compoundColumnsSql() { return kCompoundColumns; }
Compound readCompoundRow(Statement& st) { return readCompound(st, false); }

}  // namespace argan::db

namespace argan::db {

void forEachCompound(Connection& c, const Principal& viewer, const CompoundFilter& f,
                     bool withBinary, const std::function<void(const Compound&)>& fn) {
  std::string sql = std::string("SELECT ") + kCompoundColumns +
                    (withBinary ? kCompoundBinaryColumns : "") + " FROM compounds c WHERE " +
                    visibleSql(viewer, "c");
  if (!f.includeRetired) sql += " AND c.retired_at IS NULL";
  if (f.startUpId) sql += " AND c.start_up_id = ?";
  if (f.formula) sql += " AND c.formula = ?";
  if (f.mwMin) sql += " AND c.mw >= ?";
  if (f.mwMax) sql += " AND c.mw <= ?";
  if (f.inchiKey) sql += " AND c.inchikey = ?";
  if (f.visibility) sql += " AND c.visibility = ?";
  sql += " ORDER BY c.id";
  Statement st(c, sql);
  int i = 1;
  if (f.startUpId) st.bind(i++, *f.startUpId);
  if (f.formula) st.bind(i++, *f.formula);
  if (f.mwMin) st.bind(i++, *f.mwMin);
  if (f.mwMax) st.bind(i++, *f.mwMax);
  if (f.inchiKey) st.bind(i++, *f.inchiKey);
  if (f.visibility) st.bind(i++, *f.visibility);
  while (st.step()) fn(readCompound(st, withBinary));
}

}  // namespace argan::db
