// The house rules, checked on the source tree: which folder may include which.
//
// The arrows between server/'s rooms are read from the ```layers block of
// docs/architecture.md, so the drawing and the code cannot drift apart: a room missing from
// the block, a block naming a folder that does not exist, or an #include pointing against an
// arrow fails this test with the file, the line and the rule. The fixed rules of the layers
// below server/ (STYLE.md) are checked too: chem/ and db/ never include each other, server/
// or Poco::Net; db/ never includes RDKit; only server/http includes Poco::Net; and only the
// rooms the block names under "rdkit" include a header that brings RDKit in (directly or
// through other chem/ or server/ headers); and no SQL statement, transaction or SQLite call
// appears outside db/.
#include <boost/test/unit_test.hpp>  // BOOST_TEST_MODULE is set by tests/CMakeLists.txt

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Include {
  std::string file;  // relative to the source root, e.g. "server/http/api_search.cpp"
  int line = 0;
  std::string target;  // "server/search/search_request.h" or "<GraphMol/ROMol.h>"
};

struct Rules {
  std::map<std::string, std::set<std::string>> arrows;  // room -> rooms it may include
  std::set<std::string> rdkitRooms;                     // rooms that may bring RDKit in
};

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The ```layers block: "room: other other", and "rdkit: room room".
Rules parseRules(const std::string& markdown, std::vector<std::string>& problems) {
  Rules rules;
  auto start = markdown.find("```layers\n");
  if (start == std::string::npos) {
    problems.push_back("docs/architecture.md has no ```layers block");
    return rules;
  }
  start += 10;
  auto end = markdown.find("```", start);
  std::istringstream block(markdown.substr(start, end - start));
  std::string line;
  while (std::getline(block, line)) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string room = std::regex_replace(line.substr(0, colon), std::regex("\\s+"), "");
    std::istringstream targets(line.substr(colon + 1));
    std::set<std::string> to;
    for (std::string t; targets >> t;) to.insert(t);
    if (room == "rdkit") {
      rules.rdkitRooms = to;
    } else {
      rules.arrows[room] = to;
    }
  }
  return rules;
}

std::vector<Include> scanIncludes(const fs::path& root, const std::vector<std::string>& folders) {
  static const std::regex includeLine(R"(^\s*#\s*include\s*([<"][^>"]+[>"]))");
  // SQL outside db/: statements, raw exec and the C API (db::ReadSnapshot and db::Savepoint are
  // db's API for transactions, and allowed).
  static const std::regex sqlUse(R"(\bdb::Statement\b|\bsqlite3_|\.exec\(")");
  std::vector<Include> out;
  for (const auto& folder : folders) {
    if (!fs::exists(root / folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const auto ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
      std::istringstream text(readFile(entry.path()));
      std::string line;
      int number = 0;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      while (std::getline(text, line)) {
        ++number;
        std::smatch m;
        if (std::regex_search(line, m, sqlUse)) out.push_back({rel, number, "SQL: " + m[0].str()});
        if (!std::regex_search(line, m, includeLine)) continue;
        std::string target = m[1].str();
        if (target.front() == '"') target = target.substr(1, target.size() - 2);
        out.push_back({rel, number, target});
      }
    }
  }
  return out;
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// "server/http/x.cpp" -> "http"; "" outside server/.
std::string roomOf(const std::string& path) {
  if (!startsWith(path, "server/")) return "";
  auto slash = path.find('/', 7);
  return slash == std::string::npos ? std::string("(server top level)") : path.substr(7, slash - 7);
}

bool isRdkit(const std::string& target) {
  for (const char* p : {"<GraphMol/", "<RDGeneral/", "<DataStructs/", "<Geometry/", "<Numerics/"}) {
    if (startsWith(target, p)) return true;
  }
  return false;
}

bool isHeader(const std::string& path) {
  return path.size() > 2 && path.compare(path.size() - 2, 2, ".h") == 0;
}

// Headers of chem/ and server/ that bring RDKit in, directly or through other headers.
std::set<std::string> heavyHeaders(const std::vector<Include>& includes) {
  std::set<std::string> heavy;
  for (const auto& i : includes) {
    if (isHeader(i.file) && isRdkit(i.target)) heavy.insert(i.file);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& i : includes) {
      if (isHeader(i.file) && heavy.count(i.target) && !heavy.count(i.file)) {
        heavy.insert(i.file);
        grew = true;
      }
    }
  }
  return heavy;
}

std::string where(const Include& i) {
  return i.file + ":" + std::to_string(i.line) + " includes " + i.target;
}

// Every violation of the house rules, one line each (empty: the tree keeps them).
std::vector<std::string> checkHouse(const std::vector<Include>& includes, const Rules& rules,
                                    const std::set<std::string>& serverRooms) {
  std::vector<std::string> problems;
  for (const auto& room : serverRooms) {
    if (!rules.arrows.count(room)) {
      problems.push_back("server/" + room + "/ is not drawn in the layers block of docs/architecture.md");
    }
  }
  for (const auto& [room, to] : rules.arrows) {
    if (!serverRooms.count(room)) {
      problems.push_back("the layers block names server/" + room + "/, which does not exist");
    }
    for (const auto& t : to) {
      if (!rules.arrows.count(t)) problems.push_back("the arrow " + room + " -> " + t + " names no room");
    }
  }
  const std::set<std::string> heavy = heavyHeaders(includes);
  for (const auto& i : includes) {
    const std::string room = roomOf(i.file);
    const bool fromChem = startsWith(i.file, "chem/"), fromDb = startsWith(i.file, "db/"),
               fromCommon = startsWith(i.file, "common/");
    if ((fromChem || fromDb || fromCommon) && startsWith(i.target, "server/")) {
      problems.push_back(where(i) + ": chem/, db/ and common/ never include server/");
    }
    if (fromChem && startsWith(i.target, "db/")) problems.push_back(where(i) + ": chem/ never includes db/");
    if (fromDb && startsWith(i.target, "chem/")) problems.push_back(where(i) + ": db/ never includes chem/");
    if (fromDb && isRdkit(i.target)) problems.push_back(where(i) + ": db/ never includes RDKit");
    if (startsWith(i.target, "<Poco/Net/") && room != "http") {
      problems.push_back(where(i) + ": only server/http uses Poco::Net");
    }
    if (room.empty()) continue;
    if (startsWith(i.target, "SQL: ")) {
      problems.push_back(i.file + ":" + std::to_string(i.line) + " uses " + i.target.substr(5) +
                         ": SQL and transactions live in db/");
      continue;
    }
    if (startsWith(i.target, "server/")) {
      const std::string to = roomOf(i.target);
      auto allowed = rules.arrows.find(room);
      if (to != room && (allowed == rules.arrows.end() || !allowed->second.count(to))) {
        problems.push_back(where(i) + ": no arrow " + room + " -> " + to +
                           " in docs/architecture.md");
      }
    }
    if ((isRdkit(i.target) || heavy.count(i.target)) && !rules.rdkitRooms.count(room)) {
      problems.push_back(where(i) + ": server/" + room +
                         "/ does not use RDKit types, and this brings RDKit's headers in; include plain-data headers");
    }
  }
  return problems;
}

std::set<std::string> roomsOnDisk(const fs::path& root) {
  std::set<std::string> rooms;
  for (const auto& entry : fs::directory_iterator(root / "server")) {
    if (!entry.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(entry.path())) {
      const auto ext = file.path().extension().string();
      if (ext == ".h" || ext == ".cpp") {
        rooms.insert(entry.path().filename().string());
        break;
      }
    }
  }
  return rooms;
}

const fs::path kRoot = ARGAN_SOURCE_ROOT;

}  // namespace

BOOST_AUTO_TEST_SUITE(layering)

BOOST_AUTO_TEST_CASE(the_tree_keeps_the_house_rules) {
  std::vector<std::string> problems;
  Rules rules = parseRules(readFile(kRoot / "docs/architecture.md"), problems);
  auto includes = scanIncludes(kRoot, {"common", "chem", "db", "server"});
  BOOST_TEST_REQUIRE(includes.size() > 300u);  // the scan found the tree
  for (const auto& p : checkHouse(includes, rules, roomsOnDisk(kRoot))) problems.push_back(p);
  for (const auto& p : problems) BOOST_TEST_MESSAGE(p);
  BOOST_TEST(problems.empty(), problems.size() << " violation(s); first: "
                                                << (problems.empty() ? "" : problems.front()));
}

BOOST_AUTO_TEST_CASE(no_file_sits_on_server_top_level) {
  std::vector<std::string> loose;
  for (const auto& entry : fs::directory_iterator(kRoot / "server")) {
    const auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".h" || ext == ".cpp")) {
      loose.push_back(entry.path().filename().string());
    }
  }
  BOOST_TEST(loose.empty(), "server/ holds only rooms; loose file: "
                                << (loose.empty() ? "" : loose.front()));
}

// The checker itself: an include against an arrow, a room missing from the drawing, RDKit
// in a room that must not parse it, and Poco::Net outside http are each reported.
BOOST_AUTO_TEST_CASE(the_checker_reports_each_kind_of_violation) {
  std::vector<std::string> parseProblems;
  Rules rules = parseRules("```layers\ncore:\nsearch: core\nhttp: search core\nrdkit: search\n```\n",
                           parseProblems);
  BOOST_TEST(parseProblems.empty());
  const std::set<std::string> rooms{"core", "search", "http"};
  std::vector<Include> clean{{"server/http/a.cpp", 3, "server/search/s.h"},
                             {"server/search/s.cpp", 4, "chem/heavy.h"},
                             {"chem/heavy.h", 1, "<GraphMol/ROMol.h>"},
                             {"server/http/a.cpp", 5, "<Poco/Net/HTTPServer.h>"},
                             {"server/search/heavy.h", 2, "chem/heavy.h"}};
  BOOST_TEST(checkHouse(clean, rules, rooms).empty());

  auto expectOne = [&](Include bad, const std::string& words) {
    std::vector<Include> tree = clean;
    tree.push_back(bad);
    auto problems = checkHouse(tree, rules, rooms);
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(problems.front().find(words) != std::string::npos, problems.front());
  };
  expectOne({"server/search/s.cpp", 9, "server/http/a.h"}, "no arrow search -> http");
  expectOne({"server/core/c.h", 2, "server/search/s.h"}, "no arrow core -> search");
  expectOne({"server/http/b.cpp", 7, "chem/heavy.h"}, "does not use RDKit types");
  expectOne({"server/http/b.cpp", 7, "server/search/heavy.h"}, "does not use RDKit types");
  expectOne({"server/search/s.cpp", 8, "<Poco/Net/Socket.h>"}, "only server/http uses Poco::Net");
  expectOne({"db/x.cpp", 1, "chem/heavy.h"}, "db/ never includes chem/");
  expectOne({"chem/y.cpp", 1, "server/http/a.h"}, "never include server/");
  expectOne({"server/search/s.cpp", 12, "SQL: db::Statement"}, "SQL and transactions live in db/");

  auto missing = checkHouse(clean, rules, {"core", "search", "http", "transfer"});
  BOOST_TEST_REQUIRE(missing.size() == 1u);
  BOOST_TEST(missing.front().find("server/transfer/ is not drawn") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
