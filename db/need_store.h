// Needs: what an industrial partner is looking for (NEED-000001) — function, properties with
// ranges, regulatory constraints, a deadline and optionally a structure criterion — and who
// may see it.
//
// Who sees a need (needSql / findNeed): the partner who owns it and administrators always;
// visibility 'public': everyone, anonymous visitors included; 'cluster': every start-up
// member; 'named': the members of the start-ups in its audience. Anybody else gets NotFound,
// exactly as for a need that does not exist. This is the needs' own audience rule (a need is
// a partner's record, not a start-up's, so db::ReadScope does not describe it), written once
// here and used by every need, response and project query.
//
// The partner's company (`company`) is shown to start-ups and other partners only once the
// partner discloses it (`companyDisclosed`); until then they see an anonymous partner.
// Callers present a need through needForViewer() / Need::companyVisibleTo().
//
// Writers run in the caller's write transaction and append an audit entry there (record type
// "need", id "NEED-000001"). Only partners post needs (for themselves), and administrators
// on a partner's behalf; only that partner and administrators change them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/access.h"
#include "db/sqlite.h"

namespace argan::db {

std::string needCode(std::int64_t id);      // "NEED-000001"
std::string responseCode(std::int64_t id);  // "RSP-000001"
std::string projectCode(std::int64_t id);   // "PRJ-000001"

// Vocabularies (keys; the pages translate them). Each list is "a, b, c" for messages.
bool isNeedSector(const std::string& key);
const char* needSectorList();
bool isNeedFunction(const std::string& key);
const char* needFunctionList();
bool isNeedRegulatory(const std::string& key);
const char* needRegulatoryList();
bool isNeedPropertyKey(const std::string& key);
const char* needPropertyList();
// The unit a property key is expressed in when none is given ("°C", "%", "MAD/kg", ...).
std::string defaultPropertyUnit(const std::string& key);
// Words (English and French) that say a product does `function` ("antioxidant" ->
// {"antioxidant", "antioxydant"}); empty for "" and "other".
std::vector<std::string> functionWords(const std::string& function);

struct NeedProperty {
  std::string key;    // one of needPropertyList(), or "custom" with a label
  std::string label;  // for "custom"; optional otherwise
  std::optional<double> min;
  std::optional<double> max;
  std::string unit;
  bool required = true;  // required (must) or desired (nice to have)
};

// One molecule of a structure criterion, as the chemistry worker accepted it.
struct NeedStructure {
  std::string input;        // as submitted (SMILES, SMARTS or Molfile)
  std::string inputFormat;  // as submitted ("" = guessed)
  // substructure: the prepared query (chem::SubstructureQuerySpec)
  std::string queryFormat;
  std::string queryText;
  std::string patternFp;
  std::int64_t queryAtoms = 0;
  std::int64_t screenBits = 0;
  // similarity / replace: the standardised reference (chem::SimilarityQuerySpec)
  std::string canonicalSmiles;
  std::string morganFp;
};

struct Need {
  std::int64_t id = 0;
  std::int64_t partnerId = 0;
  std::string partnerEmail;
  std::string partnerName;
  std::string company;
  bool companyDisclosed = false;
  std::string title;
  std::string statement;
  std::string sector;
  std::string function;
  std::vector<NeedProperty> properties;
  std::vector<std::string> regulatory;
  std::optional<std::string> deadline;
  std::optional<std::string> structureType;  // substructure | similarity | replace
  std::optional<double> structureThreshold;
  std::vector<NeedStructure> structures;     // filled by findNeed (not by lists)
  std::string visibility;                    // public | cluster | named
  std::vector<std::int64_t> audience;        // start-ups, for 'named'
  std::string status;                        // open | closed
  std::optional<std::string> outcome;
  std::optional<std::int64_t> outcomeResponseId;
  std::string outcomeNote;
  std::string createdAt;
  std::optional<std::int64_t> createdBy;
  std::string updatedAt;
  std::optional<std::string> closedAt;

  std::string code() const { return needCode(id); }
  bool isOwner(const Principal& who) const {
    return who.role == Role::Partner && who.userId != 0 && who.userId == partnerId;
  }
  // The owner and administrators always; others once the partner disclosed its company.
  bool companyVisibleTo(const Principal& who) const {
    return companyDisclosed || who.isAdmin() || isOwner(who);
  }
};

// A structure criterion as stored: the type, the threshold and the molecules.
struct NeedStructureCriterion {
  std::string type;  // substructure | similarity | replace
  std::optional<double> threshold;
  std::vector<NeedStructure> molecules;
};

struct NeedInput {
  std::optional<std::int64_t> partnerId;  // create: the owner (administrators must name one)
  std::optional<std::string> company;
  std::optional<bool> companyDisclosed;
  std::optional<std::string> title;
  std::optional<std::string> statement;
  std::optional<std::string> sector;
  std::optional<std::string> function;
  std::optional<std::vector<NeedProperty>> properties;
  std::optional<std::vector<std::string>> regulatory;
  std::optional<std::optional<std::string>> deadline;  // null clears
  // Set: replaces the criterion; set to nullopt inside: removes it.
  std::optional<std::optional<NeedStructureCriterion>> structure;
  std::optional<std::string> visibility;
  std::optional<std::vector<std::int64_t>> audience;
};

// SQL predicate over needs `n`: may `viewer` see the need? Contains only integer literals.
std::string needSql(const Principal& viewer, const std::string& alias);

// Creates a need. PermissionDenied (members, leads, anonymous; a partner naming another
// partner), InvalidArgument (naming the field: title 1..200, statement 1..20000, vocabulary,
// property ranges, deadline date, threshold in (0, 1], 'named' without start-ups or with
// unknown ones, a partner id that is not an active partner).
Need createNeed(Connection& c, const Clock& clock, const Principal& actor, const NeedInput& input);

// Applies the fields that are set. NotFound (not visible), PermissionDenied (not the owner
// or an administrator), FailedPrecondition (a closed need: reopen it first), InvalidArgument.
Need updateNeed(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
                const NeedInput& input);

// Closes an open need with an outcome ("solution_found" may name the chosen response of this
// need, which becomes "selected"), or reopens a closed one (outcome nullopt). Same errors.
Need closeNeed(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id,
               const std::string& outcome, std::optional<std::int64_t> responseId,
               const std::string& note);
Need reopenNeed(Connection& c, const Clock& clock, const Principal& actor, std::int64_t id);

// The need if `viewer` may see it (with its structure molecules); nullopt otherwise.
std::optional<Need> findNeed(Connection& c, const Principal& viewer, std::int64_t id);
// NotFound instead of nullopt.
Need requireNeed(Connection& c, const Principal& viewer, std::int64_t id);

struct NeedFilter {
  std::optional<std::string> status;
  std::optional<std::string> sector;
  std::optional<std::string> function;
  bool mine = false;  // partners: only their own needs
  std::optional<std::string> text;
};
struct NeedPage {
  std::vector<Need> items;  // without structure molecules
  std::int64_t total = 0;
};
// Visible needs, open before closed, newest first. page from 0, pageSize 1..200.
NeedPage listNeeds(Connection& c, const Principal& viewer, const NeedFilter& filter,
                   std::int64_t page, std::int64_t pageSize);

// Every open need with its molecules (the match watcher; no visibility: a system read).
std::vector<Need> openNeedsForMatching(Connection& c);

// May the members of start-up `startUpId` see need `need`?
bool startUpSeesNeed(const Need& need, std::int64_t startUpId);

// The active users of a start-up (leads and members), for notifications.
std::vector<std::int64_t> startUpUserIds(Connection& c, std::int64_t startUpId);
// Ids of start-ups that exist, among `ids` (sorted, unique).
std::vector<std::int64_t> existingStartUps(Connection& c, const std::vector<std::int64_t>& ids);
// The start-up's name ("" when it does not exist).
std::string startUpName(Connection& c, std::int64_t startUpId);

}  // namespace argan::db
