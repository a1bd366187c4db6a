#include "chem/input_check.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace argan::chem {
namespace {

using std::int64_t;

constexpr std::array<const char*, 118> kElementSymbols = {
    "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",
    "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
    "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh",
    "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
    "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re",
    "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
    "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db",
    "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

bool isElement(std::string_view symbol) {
  return std::any_of(kElementSymbols.begin(), kElementSymbols.end(),
                     [&](const char* e) { return symbol == e; });
}

// Aromatic symbols RDKit accepts in brackets.
bool isAromaticBracketSymbol(std::string_view symbol) {
  static constexpr std::array<const char*, 10> kAromatic = {"b", "c",  "n",  "o",  "p",
                                                            "s", "se", "as", "te", "si"};
  return std::any_of(kAromatic.begin(), kAromatic.end(),
                     [&](const char* e) { return symbol == e; });
}

Error smilesError(const std::string& message, std::size_t position) {
  return invalidArgument(message + " (at position " + std::to_string(position) + ")",
                         {{"position", static_cast<int64_t>(position)}});
}

Error limitError(const std::string& what, const std::string& limitName, std::size_t value,
                 std::size_t limit) {
  return invalidArgument(what + ": " + std::to_string(value) + " exceeds the limit of " +
                             std::to_string(limit),
                         {{"limit", limitName},
                          {"value", static_cast<int64_t>(value)},
                          {"maximum", static_cast<int64_t>(limit)}});
}

// "too many disconnected fragments: 10 fragments exceed the limit of 4": the count is the
// real one (the checks count to the end), not the first number over the limit.
Error countError(const std::string& what, const std::string& noun, const std::string& limitName,
                 std::size_t value, std::size_t limit) {
  return invalidArgument(what + ": " + std::to_string(value) + " " + noun +
                             (value == 1 ? " exceeds" : " exceed") + " the limit of " +
                             std::to_string(limit),
                         {{"limit", limitName},
                          {"value", static_cast<int64_t>(value)},
                          {"maximum", static_cast<int64_t>(limit)}});
}

std::string describeByte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

// Refuses bytes RDKit would misread: non-ASCII, NUL and other control characters.
void checkPlainAscii(const std::string& text, std::size_t offset, const char* what) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      throw smilesError(std::string(what) + " contains the non-ASCII byte " + describeByte(c) +
                            "; it must be plain ASCII",
                        offset + i);
    }
    if (c < 0x20 || c == 0x7F) {
      throw smilesError(std::string(what) + " contains the control character " +
                            describeByte(c),
                        offset + i);
    }
  }
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Validates the element symbol at the start of a bracket atom's body (after the isotope).
// Returns true when the atom is a hydrogen.
bool checkBracketSymbol(const std::string& body, std::size_t bodyStart) {
  std::size_t k = 0;
  while (k < body.size() && std::isdigit(static_cast<unsigned char>(body[k]))) ++k;
  if (k == body.size()) throw smilesError("bracket atom has no element symbol", bodyStart);
  char first = body[k];
  if (first == '*') return false;
  if (std::isupper(static_cast<unsigned char>(first))) {
    if (k + 1 < body.size() && std::islower(static_cast<unsigned char>(body[k + 1]))) {
      std::string two = body.substr(k, 2);
      if (isElement(two)) return false;
    }
    std::string one(1, first);
    if (isElement(one)) return one == "H";
    std::string shown = body.substr(k, (k + 1 < body.size() &&
                                        std::islower(static_cast<unsigned char>(body[k + 1])))
                                           ? 2
                                           : 1);
    throw smilesError("unknown element symbol '" + shown + "' in bracket atom", bodyStart + k);
  }
  if (std::islower(static_cast<unsigned char>(first))) {
    if (k + 1 < body.size() && isAromaticBracketSymbol(body.substr(k, 2))) return false;
    if (isAromaticBracketSymbol(body.substr(k, 1))) return false;
    throw smilesError("unknown aromatic symbol '" + body.substr(k, 1) + "' in bracket atom",
                      bodyStart + k);
  }
  throw smilesError(std::string("unexpected character '") + first + "' in bracket atom",
                    bodyStart + k);
}

// The ']' closing the bracket atom that opens at s[i]; refuses a missing or nested one.
std::size_t closeOfBracketAtom(const std::string& s, std::size_t i, std::size_t offset) {
  std::size_t close = s.find(']', i + 1);
  std::size_t nested = s.find('[', i + 1);
  if (close == std::string::npos || (nested != std::string::npos && nested < close)) {
    throw smilesError("unclosed bracket atom '['", offset + i);
  }
  return close;
}

// An organic-subset atom starting with the upper-case letter s[i]: returns the index of
// its last character (i + 1 for Cl and Br).
std::size_t lexOrganicAtom(const std::string& s, std::size_t i, std::size_t offset) {
  char c = s[i];
  if ((c == 'C' && i + 1 < s.size() && s[i + 1] == 'l') ||
      (c == 'B' && i + 1 < s.size() && s[i + 1] == 'r')) {
    return i + 1;
  }
  if (std::string("BCNOPSFI").find(c) == std::string::npos) {
    std::string shown(1, c);
    if (i + 1 < s.size() && std::islower(static_cast<unsigned char>(s[i + 1]))) {
      shown += s[i + 1];
    }
    throw smilesError(
        "'" + shown +
            "' is not an atom of the organic subset (B C N O P S F Cl Br I); other "
            "elements and charged atoms go in brackets, e.g. [Na+]",
        offset + i);
  }
  return i;
}

// An aromatic organic-subset atom, the lower-case letter s[i]; says when the letter with
// the one before it is an element that needs brackets.
void checkAromaticAtom(const std::string& s, std::size_t i, std::size_t offset) {
  char c = s[i];
  if (std::string("bcnops").find(c) != std::string::npos) return;
  std::string message = std::string("unknown aromatic atom '") + c + "'";
  if (i > 0 && std::isupper(static_cast<unsigned char>(s[i - 1])) &&
      isElement(std::string{s[i - 1], c})) {
    message += std::string("; the element ") + s[i - 1] + c +
               " is not in the organic subset (B C N O P S F Cl Br I) and must be "
               "written in brackets, e.g. [" + s[i - 1] + c + "]";
  }
  throw smilesError(message, offset + i);
}

// A ring-closure number written with '%' at s[i]: "%nn", or "%(n...)" (numbered from
// 100000 so it never meets "%nn"), and the index of its last character.
struct PercentRingNumber {
  int number = 0;
  std::size_t last = 0;
};

PercentRingNumber readPercentRingNumber(const std::string& s, std::size_t i,
                                        std::size_t offset) {
  if (i + 2 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
      std::isdigit(static_cast<unsigned char>(s[i + 2]))) {
    return {(s[i + 1] - '0') * 10 + (s[i + 2] - '0'), i + 2};
  }
  if (i + 1 < s.size() && s[i + 1] == '(') {
    std::size_t close = s.find(')', i + 2);
    std::string digits = close == std::string::npos ? "" : s.substr(i + 2, close - i - 2);
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char d) { return std::isdigit(static_cast<unsigned char>(d)); })) {
      throw smilesError("malformed ring-closure number '%(...)'", offset + i);
    }
    return {100000 + std::stoi(digits), close};
  }
  throw smilesError("'%' must be followed by two digits (ring closure %nn)", offset + i);
}

// A ring bond as opened: where, and the bond symbol written before its digit (0: none).
struct OpenRing {
  std::size_t position = 0;
  char bond = 0;
  std::size_t bondPosition = 0;
};

// The order a bond symbol stands for ('/' and '\\' are single bonds with a direction).
char bondOrderClass(char symbol) {
  return symbol == '/' || symbol == '\\' ? '-' : symbol;
}

// At the end of a SMILES: every branch and ring bond opened must be closed.
void checkAllClosed(const std::vector<std::size_t>& openBranches,
                    const std::map<int, OpenRing>& openRings, std::size_t offset) {
  if (!openBranches.empty()) {
    throw smilesError("unclosed branch: '(' is never closed", offset + openBranches.back());
  }
  if (!openRings.empty()) {
    auto first = std::min_element(openRings.begin(), openRings.end(), [](auto& a, auto& b) {
      return a.second.position < b.second.position;
    });
    int number = first->first >= 100000 ? first->first - 100000 : first->first;
    throw smilesError("unclosed ring: ring bond " + std::to_string(number) +
                          " is opened but never closed",
                      offset + first->second.position);
  }
}

void lexSmiles(const std::string& s, std::size_t offset, const StructureLimits& limits,
               SmilesScan& scan) {
  std::vector<std::size_t> openBranches;
  std::map<int, OpenRing> openRings;  // ring number -> where it was opened
  scan.fragments = s.empty() ? 0 : 1;
  bool sawAtom = false;
  std::size_t deepest = 0;
  std::size_t deepestAt = 0;
  char pendingBond = 0;  // a bond symbol not yet followed by its atom or ring digit
  std::size_t pendingBondAt = 0;

  auto ringBond = [&](int number, std::size_t pos) {
    if (!sawAtom) throw smilesError("ring-closure digit before any atom", offset + pos);
    auto it = openRings.find(number);
    if (it == openRings.end()) {
      openRings.emplace(number, OpenRing{pos, pendingBond, pendingBondAt});
    } else {
      const OpenRing& open = it->second;
      if (open.bond && pendingBond && bondOrderClass(open.bond) != bondOrderClass(pendingBond)) {
        int shown = number >= 100000 ? number - 100000 : number;
        throw invalidArgument(
            "ring bond " + std::to_string(shown) + " is opened with '" + open.bond +
                "' (at position " + std::to_string(offset + open.bondPosition) +
                ") and closed with '" + pendingBond + "' (at position " +
                std::to_string(offset + pendingBondAt) +
                "): the two ends of a ring bond must give the same bond order",
            {{"position", static_cast<int64_t>(offset + pendingBondAt)},
             {"limit", "ring_bond_conflict"}});
      }
      openRings.erase(it);
      ++scan.ringClosures;
    }
    pendingBond = 0;
  };
  auto atom = [&](bool heavy) {
    ++scan.atoms;
    if (heavy) ++scan.heavyAtoms;
    sawAtom = true;
    pendingBond = 0;
  };

  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '[') {
      std::size_t close = closeOfBracketAtom(s, i, offset);
      bool hydrogen = checkBracketSymbol(s.substr(i + 1, close - i - 1), offset + i + 1);
      atom(!hydrogen);
      i = close;
    } else if (c == ']') {
      throw smilesError("']' without a matching '['", offset + i);
    } else if (std::isupper(static_cast<unsigned char>(c))) {
      i = lexOrganicAtom(s, i, offset);
      atom(true);
    } else if (std::islower(static_cast<unsigned char>(c))) {
      checkAromaticAtom(s, i, offset);
      atom(true);
    } else if (c == '*') {
      atom(true);
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      ringBond(c - '0', i);
    } else if (c == '%') {
      PercentRingNumber ring = readPercentRingNumber(s, i, offset);
      ringBond(ring.number, i);
      i = ring.last;
    } else if (c == '(') {
      if (!sawAtom) throw smilesError("branch '(' before any atom", offset + i);
      openBranches.push_back(i);
      if (openBranches.size() > deepest) {
        deepest = openBranches.size();
        deepestAt = i;
      }
      pendingBond = 0;
    } else if (c == ')') {
      if (openBranches.empty()) throw smilesError("')' without a matching '('", offset + i);
      openBranches.pop_back();
      pendingBond = 0;
    } else if (c == '.') {
      if (!openBranches.empty()) {
        throw smilesError("'.' inside a branch", offset + i);
      }
      ++scan.fragments;  // checked against the limit once counted to the end
      pendingBond = 0;
    } else if ((c == '-' && i + 1 < s.size() && s[i + 1] == '>') ||
               (c == '<' && i + 1 < s.size() && s[i + 1] == '-')) {
      ++i;  // a dative bond, "->" or "<-" (RDKit reads them: metal-ligand bonds)
      pendingBond = 0;
    } else if (std::string("-=#$:/\\").find(c) != std::string::npos) {  // a bond symbol
      pendingBond = c;
      pendingBondAt = i;
    } else {
      throw smilesError(std::string("unexpected character '") + c + "' in SMILES", offset + i);
    }
  }
  if (deepest > limits.maxBranchDepth) {
    throw countError("branches nested too deeply (from position " +
                         std::to_string(offset + deepestAt) + ")",
                     "levels", "max_branch_depth", deepest, limits.maxBranchDepth);
  }
  checkAllClosed(openBranches, openRings, offset);
  if (scan.ringClosures > limits.maxRingClosures) {
    throw countError("too many ring closures", "ring closures", "max_ring_closures",
                     scan.ringClosures, limits.maxRingClosures);
  }
}

// SMARTS: characters, depth of "(" / "$(" / "[" nesting, and a rough atom count.
void lexSmarts(const std::string& s, std::size_t offset, const StructureLimits& limits,
               SmilesScan& scan) {
  std::vector<std::pair<char, std::size_t>> stack;
  int bracketDepth = 0;
  std::size_t deepest = 0;
  std::size_t deepestAt = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(' || c == '[') {
      stack.emplace_back(c, i);
      if (stack.size() > deepest) {
        deepest = stack.size();
        deepestAt = i;
      }
      if (c == '[') {
        ++bracketDepth;
        ++scan.atoms;
        ++scan.heavyAtoms;
      }
    } else if (c == ')' || c == ']') {
      char want = c == ')' ? '(' : '[';
      if (stack.empty() || stack.back().first != want) {
        throw smilesError(std::string("'") + c + "' without a matching '" + want + "'",
                          offset + i);
      }
      if (c == ']') --bracketDepth;
      stack.pop_back();
    } else if (bracketDepth == 0 && (std::isalpha(static_cast<unsigned char>(c)) || c == '*')) {
      if (!((c == 'l' && i > 0 && s[i - 1] == 'C') || (c == 'r' && i > 0 && s[i - 1] == 'B'))) {
        ++scan.atoms;
        ++scan.heavyAtoms;
      }
    } else if (c == '.' && bracketDepth == 0) {
      ++scan.fragments;
    }
  }
  if (deepest > limits.maxBranchDepth) {
    throw countError("query nested too deeply (from position " +
                         std::to_string(offset + deepestAt) + ")",
                     "levels", "max_branch_depth", deepest, limits.maxBranchDepth);
  }
  if (!stack.empty()) {
    throw smilesError(std::string("'") + stack.back().first + "' is never closed",
                      offset + stack.back().second);
  }
}

// ---- CXSMILES extensions ----------------------------------------------------------------
// RDKit skips what it does not understand in a CXSMILES suffix and takes atom or bond numbers
// it has no atom for in its stride; both are refused here, with the position. Supported
// fields: coordinates "(x,y,z;...)", atom labels "$...$" and values "$_AV:...$", enhanced
// stereo "a:", "o<n>:", "&<n>:", radicals "^<n>:", cis/trans "c:", "t:", "ctu:", wedges
// "wU:", "wD:" and coordinate bonds "C:" (atom.bond pairs), "r". Anything else (S-groups,
// polymers, link nodes) is refused by name: send a Molfile for those.

bool isNumber(std::string_view text) {
  if (text.empty()) return false;
  std::string copy(text);
  char* end = nullptr;
  std::strtod(copy.c_str(), &end);
  return end && *end == '\0';
}

void checkCxExtension(const std::string& ext, std::size_t at, unsigned atoms, unsigned bonds) {
  // `ext` is "|...|" (checked by the caller); `at` is the position of its first '|'.
  const std::string body = ext.substr(1, ext.size() - 2);
  auto fail = [&](const std::string& message, std::size_t i) -> Error {
    return invalidArgument("CXSMILES extension: " + message + " (at position " +
                               std::to_string(at + 1 + i) + ")",
                           {{"position", static_cast<int64_t>(at + 1 + i)},
                            {"field", "cxsmiles"}});
  };
  auto countEntries = [](std::string_view list) {
    return static_cast<unsigned>(std::count(list.begin(), list.end(), ';') + 1);
  };
  if (body.empty()) throw fail("the suffix \"||\" is empty", 0);
  std::size_t i = 0;
  while (i < body.size()) {
    const std::size_t fieldStart = i;
    if (body[i] == '(') {
      std::size_t close = body.find(')', i);
      if (close == std::string::npos) throw fail("the coordinates' '(' is never closed", i);
      std::string_view coordinates(body.data() + i + 1, close - i - 1);
      if (countEntries(coordinates) > atoms) {
        throw fail("coordinates for " + std::to_string(countEntries(coordinates)) +
                       " atoms, but the SMILES has " + std::to_string(atoms),
                   i);
      }
      std::size_t entryStart = 0;
      while (entryStart <= coordinates.size()) {
        std::size_t entryEnd = coordinates.find(';', entryStart);
        if (entryEnd == std::string_view::npos) entryEnd = coordinates.size();
        std::string_view entry = coordinates.substr(entryStart, entryEnd - entryStart);
        if (!entry.empty()) {
          int parts = 0;
          std::size_t partStart = 0;
          while (partStart <= entry.size()) {
            std::size_t partEnd = entry.find(',', partStart);
            if (partEnd == std::string_view::npos) partEnd = entry.size();
            std::string_view part = entry.substr(partStart, partEnd - partStart);
            if (!part.empty() && !isNumber(part)) {
              throw fail("'" + std::string(part) + "' is not a coordinate", i + 1 + entryStart);
            }
            ++parts;
            partStart = partEnd + 1;
          }
          if (parts < 2 || parts > 3) {
            throw fail("an atom's coordinates are \"x,y\" or \"x,y,z\"", i + 1 + entryStart);
          }
        }
        entryStart = entryEnd + 1;
      }
      i = close + 1;
    } else if (body[i] == '$') {
      std::size_t close = body.find('$', i + 1);
      if (close == std::string::npos) throw fail("the atom labels' '$' is never closed", i);
      std::string_view labels(body.data() + i + 1, close - i - 1);
      if (labels.substr(0, 4) == "_AV:") labels.remove_prefix(4);
      if (countEntries(labels) > atoms) {
        throw fail("labels for " + std::to_string(countEntries(labels)) +
                       " atoms, but the SMILES has " + std::to_string(atoms),
                   i);
      }
      i = close + 1;
    } else {
      std::size_t j = i;
      while (j < body.size() && body[j] != ':' && body[j] != ',') ++j;
      std::string key = body.substr(i, j - i);
      enum class Kind { kAtoms, kBonds, kAtomBond, kFlag, kUnknown } kind = Kind::kUnknown;
      auto digitsFrom = [&](std::size_t from) {
        return key.size() > from &&
               std::all_of(key.begin() + static_cast<std::ptrdiff_t>(from), key.end(),
                           [](char d) { return std::isdigit(static_cast<unsigned char>(d)); });
      };
      if (key == "a" || (key.size() > 1 && (key[0] == 'o' || key[0] == '&') && digitsFrom(1)) ||
          (key.size() == 2 && key[0] == '^' && key[1] >= '1' && key[1] <= '7')) {
        kind = Kind::kAtoms;
      } else if (key == "c" || key == "t" || key == "ctu") {
        kind = Kind::kBonds;
      } else if (key == "wU" || key == "wD" || key == "C") {
        kind = Kind::kAtomBond;
      } else if (key == "r") {
        kind = Kind::kFlag;
      }
      if (kind == Kind::kUnknown && key.rfind("Sg", 0) == 0) {
        // A CXSMILES S-group (Sg, SgD, SgH): the drawing is a polymer or a bracketed
        // substance. Same reason as the standardiser's polymer refusal (kReasonPolymer).
        throw invalidArgument(
            "the structure is a polymer (CXSMILES S-group '" + key + "' at position " +
                std::to_string(at + 1 + i) +
                "): polymers are registered as substances, not as compounds",
            {{"reason", std::string("polymer")},
             {"position", static_cast<int64_t>(at + 1 + i)},
             {"field", "cxsmiles"}});
      }
      if (kind == Kind::kUnknown) {
        throw fail("unknown or unsupported field '" + (key.empty() ? body.substr(i, 1) : key) +
                       "' (supported: coordinates, atom labels, enhanced stereo a/o/&, "
                       "radicals ^, cis/trans c/t/ctu, wedges wU/wD, coordinate bonds C; send "
                       "a Molfile for S-groups and polymers)",
                   i);
      }
      if (kind == Kind::kFlag) {
        i = j;
      } else {
        if (j >= body.size() || body[j] != ':') {
          throw fail("the field '" + key + "' needs ':' and a list of numbers", i);
        }
        i = j + 1;
        for (;;) {
          std::size_t numberStart = i;
          auto readNumber = [&]() -> long {
            std::size_t k = i;
            while (k < body.size() && std::isdigit(static_cast<unsigned char>(body[k])) &&
                   k - i < 9) {
              ++k;
            }
            if (k == i) {
              throw fail("expected a number in the field '" + key + "'", i);
            }
            long value = std::stol(body.substr(i, k - i));
            i = k;
            return value;
          };
          long first = readNumber();
          if (kind == Kind::kAtoms && first >= static_cast<long>(atoms)) {
            throw fail("'" + key + "' names atom " + std::to_string(first) +
                           ", but the SMILES has atoms 0 to " + std::to_string(atoms - 1),
                       numberStart);
          }
          if (kind == Kind::kBonds && first >= static_cast<long>(bonds)) {
            throw fail("'" + key + "' names bond " + std::to_string(first) +
                           ", but the SMILES has " +
                           (bonds == 0 ? std::string("no bond")
                                       : "bonds 0 to " + std::to_string(bonds - 1)),
                       numberStart);
          }
          if (kind == Kind::kAtomBond) {
            if (first >= static_cast<long>(atoms)) {
              throw fail("'" + key + "' names atom " + std::to_string(first) +
                             ", but the SMILES has atoms 0 to " + std::to_string(atoms - 1),
                         numberStart);
            }
            if (i >= body.size() || body[i] != '.') {
              throw fail("'" + key + "' takes atom.bond pairs", numberStart);
            }
            ++i;
            std::size_t bondStart = i;
            long bond = readNumber();
            if (bond >= static_cast<long>(bonds)) {
              throw fail("'" + key + "' names bond " + std::to_string(bond) +
                             ", but the SMILES has " +
                             (bonds == 0 ? std::string("no bond")
                                         : "bonds 0 to " + std::to_string(bonds - 1)),
                         bondStart);
            }
          }
          // The list goes on while a ',' is followed by a number; else the next field starts.
          if (i + 1 < body.size() && body[i] == ',' &&
              std::isdigit(static_cast<unsigned char>(body[i + 1]))) {
            ++i;
            continue;
          }
          break;
        }
      }
    }
    if (i < body.size()) {
      if (body[i] != ',') {
        throw fail("unexpected '" + std::string(1, body[i]) + "' after the field starting '" +
                       body.substr(fieldStart, std::min<std::size_t>(12, i - fieldStart + 1)) + "'",
                   i);
      }
      ++i;
      if (i == body.size()) throw fail("a ',' with no field after it", i - 1);
    }
  }
}

}  // namespace

const char* formatName(StructureFormat format) {
  return format == StructureFormat::Molfile ? "molfile" : "smiles";
}

StructureFormat resolveFormat(const std::string& requested, const std::string& text) {
  if (requested == "smiles") return StructureFormat::Smiles;
  if (requested == "molfile" || requested == "mol" || requested == "sdf") {
    return StructureFormat::Molfile;
  }
  if (!requested.empty() && requested != "auto") {
    throw invalidArgument("unknown structure format '" + requested +
                              "'; use \"smiles\" or \"molfile\" (or omit it to detect)",
                          {{"field", "format"}});
  }
  bool multiLine = text.find('\n') != std::string::npos;
  if (multiLine && (text.find("M  END") != std::string::npos ||
                    text.find("V2000") != std::string::npos ||
                    text.find("V3000") != std::string::npos)) {
    return StructureFormat::Molfile;
  }
  return StructureFormat::Smiles;
}

SmilesScan checkSmiles(const std::string& text, const StructureLimits& limits,
                       bool allowSmarts) {
  const char* what = allowSmarts ? "query" : "SMILES";
  std::size_t hardLimit = limits.maxSmilesLength + limits.maxCxExtensionLength + 64;
  if (text.size() > hardLimit) {
    throw limitError(std::string(what) + " too long", "max_smiles_length", text.size(),
                     limits.maxSmilesLength);
  }
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && isSpace(text[begin])) ++begin;
  while (end > begin && isSpace(text[end - 1])) --end;
  if (begin == end) {
    throw invalidArgument(std::string("empty structure: the ") + what + " has no atoms",
                          {{"limit", "empty"}});
  }
  SmilesScan scan;
  std::size_t split = text.find_first_of(" \t\r\n", begin);
  if (split != std::string::npos && split < end) {
    std::size_t next = split;
    while (next < end && isSpace(text[next])) ++next;
    if (allowSmarts || text[next] != '|' || text[end - 1] != '|' || end - next < 2) {
      throw smilesError(std::string("unexpected text after whitespace; a ") + what +
                            " cannot contain spaces (only a CXSMILES \"|...|\" suffix may "
                            "follow)",
                        next);
    }
    scan.cxExtension = text.substr(next, end - next);
    if (scan.cxExtension.size() > limits.maxCxExtensionLength) {
      throw limitError("CXSMILES extension too long", "max_cx_extension_length",
                       scan.cxExtension.size(), limits.maxCxExtensionLength);
    }
    for (std::size_t i = 0; i < scan.cxExtension.size(); ++i) {
      auto c = static_cast<unsigned char>(scan.cxExtension[i]);
      if (c >= 0x80 || c < 0x20 || c == 0x7F) {
        throw smilesError("CXSMILES extension contains the byte " + describeByte(c) +
                              "; it must be plain ASCII",
                          next + i);
      }
    }
    end = split;
  }
  scan.smiles = text.substr(begin, end - begin);
  if (scan.smiles.size() > limits.maxSmilesLength) {
    throw limitError(std::string(what) + " too long", "max_smiles_length", scan.smiles.size(),
                     limits.maxSmilesLength);
  }
  checkPlainAscii(scan.smiles, begin, what);
  if (allowSmarts) {
    scan.fragments = 1;
    lexSmarts(scan.smiles, begin, limits, scan);
  } else {
    lexSmiles(scan.smiles, begin, limits, scan);
  }
  if (scan.fragments > limits.maxFragments) {
    throw countError("too many disconnected fragments", "fragments", "max_fragments",
                     scan.fragments, limits.maxFragments);
  }
  if (scan.heavyAtoms > limits.maxHeavyAtoms) {
    throw limitError("too many heavy atoms", "max_heavy_atoms", scan.heavyAtoms,
                     limits.maxHeavyAtoms);
  }
  if (scan.atoms > limits.maxAtoms) {
    throw limitError("too many atoms", "max_atoms", scan.atoms, limits.maxAtoms);
  }
  if (scan.atoms == 0) {
    throw invalidArgument(std::string("empty structure: the ") + what + " has no atoms",
                          {{"limit", "empty"}});
  }
  if (!scan.cxExtension.empty()) {
    // A bond joins each atom to the one before it in its fragment, plus one per ring closure.
    unsigned bonds = scan.atoms - scan.fragments + scan.ringClosures;
    checkCxExtension(scan.cxExtension, text.find('|', end), scan.atoms, bonds);
  }
  return scan;
}

namespace {

Error molfileError(const std::string& message, std::size_t line) {
  return invalidArgument("Molfile line " + std::to_string(line) + ": " + message,
                         {{"line", static_cast<int64_t>(line)}});
}

std::vector<std::string_view> splitLines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    std::size_t stop = nl == std::string::npos ? text.size() : nl;
    std::size_t len = stop - start;
    if (len > 0 && text[start + len - 1] == '\r') --len;
    lines.emplace_back(text.data() + start, len);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

bool parseCount(std::string_view field, long& out) {
  std::size_t b = 0;
  while (b < field.size() && field[b] == ' ') ++b;
  if (b == field.size()) return false;
  long value = 0;
  for (std::size_t i = b; i < field.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(field[i]))) return false;
    value = value * 10 + (field[i] - '0');
    if (value > 100000000) return false;
  }
  out = value;
  return true;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string bondJoinsMissingAtom(long bond, long atom, const std::string& atoms) {
  return "bond " + std::to_string(bond) + " joins atom " + std::to_string(atom) +
         ", but the Molfile has " + atoms;
}

// V2000 bond lines: columns 1-3 and 4-6 hold the numbers (1..atoms) of the atoms joined.
// RDKit reports a bad number only as a failed assertion in its own source.
void checkV2000Bonds(const std::vector<std::string_view>& lines, long atoms, long bonds) {
  std::string range = "atoms 1 to " + std::to_string(atoms);
  for (long b = 0; b < bonds; ++b) {
    std::size_t n = static_cast<std::size_t>(4 + atoms + b);
    std::string_view line = lines[n];
    long first = 0;
    long second = 0;
    if (line.size() < 6 || !parseCount(line.substr(0, 3), first) ||
        !parseCount(line.substr(3, 3), second)) {
      throw molfileError("bond " + std::to_string(b + 1) +
                             ": columns 1-6 must hold the numbers of the two atoms it joins",
                         n + 1);
    }
    for (long atom : {first, second}) {
      if (atom < 1 || atom > atoms) {
        throw molfileError(bondJoinsMissingAtom(b + 1, atom, range), n + 1);
      }
    }
    long type = 0;
    if (line.size() < 9 || !parseCount(line.substr(6, 3), type) || type < 1 || type > 8) {
      throw molfileError("bond " + std::to_string(b + 1) +
                             ": columns 7-9 must hold its type (1 to 8)",
                         n + 1);
    }
  }
}

// V2000 atom lines: RDKit reads fixed columns (coordinates 1-30, symbol 32-34, charge code
// 37-39) and fails on a shorter line with a C++ library error instead of a line number.
void checkV2000Atoms(const std::vector<std::string_view>& lines, long atoms) {
  for (long a = 0; a < atoms; ++a) {
    std::size_t n = static_cast<std::size_t>(4 + a);
    std::string_view line = lines[n];
    if (line.size() < 34) {
      throw molfileError("atom " + std::to_string(a + 1) + ": an atom line needs at least 34 "
                             "columns (coordinates in 1-30, the element in 32-34), this one has " +
                             std::to_string(line.size()),
                         n + 1);
    }
    for (int axis = 0; axis < 3; ++axis) {
      std::string_view field = line.substr(static_cast<std::size_t>(axis) * 10, 10);
      std::size_t b = field.find_first_not_of(' ');
      if (b == std::string_view::npos || !isNumber(field.substr(b))) {
        throw molfileError("atom " + std::to_string(a + 1) + ": columns " +
                               std::to_string(axis * 10 + 1) + "-" +
                               std::to_string(axis * 10 + 10) + " must hold its " +
                               std::string(1, "xyz"[axis]) + " coordinate",
                           n + 1);
      }
    }
    if (line.size() >= 39) {
      long code = 0;
      std::string_view charge = line.substr(36, 3);
      if (charge.find_first_not_of(' ') != std::string_view::npos &&
          (!parseCount(charge, code) || code > 7)) {
        throw molfileError("atom " + std::to_string(a + 1) + ": the charge code in columns "
                               "37-39 must be 0 to 7",
                           n + 1);
      }
    }
  }
}

// A signed integer field (spaces around it allowed).
bool parseSigned(std::string_view field, long& out) {
  std::size_t b = field.find_first_not_of(' ');
  if (b == std::string_view::npos) return false;
  field.remove_prefix(b);
  while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
  bool negative = !field.empty() && (field[0] == '-' || field[0] == '+');
  bool minus = !field.empty() && field[0] == '-';
  if (negative) field.remove_prefix(1);
  long value = 0;
  if (!parseCount(field, value)) return false;
  out = minus ? -value : value;
  return true;
}

// V2000 property lines that list atoms: "M  CHGnn8 aaa vvv ...", "M  RAD", "M  ISO" (nn pairs
// of atom number and value), and atom lists "M  ALS aaannn e 1111...". RDKit reads past the
// end of a line whose count is larger than its entries (quoting whatever bytes follow), and
// turns an empty atom list into an atom that matches nothing, silently.
void checkV2000Properties(const std::vector<std::string_view>& lines, long atoms, long bonds) {
  std::string range = "atoms 1 to " + std::to_string(atoms);
  for (std::size_t n = static_cast<std::size_t>(4 + atoms + bonds); n < lines.size(); ++n) {
    std::string_view line = lines[n];
    if (startsWith(line, "M  END")) break;
    std::string name = std::string(line.substr(0, std::min<std::size_t>(6, line.size())));
    if (name == "M  CHG" || name == "M  RAD" || name == "M  ISO") {
      long count = 0;
      if (line.size() < 9 || !parseCount(line.substr(6, 3), count) || count < 1 || count > 8) {
        throw molfileError("\"" + name + "\" needs the number of entries (1 to 8) in columns 7-9",
                           n + 1);
      }
      if (line.size() < static_cast<std::size_t>(9 + 8 * count)) {
        throw molfileError("\"" + name + "\" announces " + std::to_string(count) +
                               " entries but the line holds fewer (each takes 8 columns)",
                           n + 1);
      }
      for (long k = 0; k < count; ++k) {
        std::size_t at = static_cast<std::size_t>(9 + 8 * k);
        long atom = 0;
        long value = 0;
        if (!parseCount(line.substr(at, 4), atom) || !parseSigned(line.substr(at + 4, 4), value)) {
          throw molfileError("\"" + name + "\" entry " + std::to_string(k + 1) +
                                 ": an atom number and a value are needed",
                             n + 1);
        }
        if (atom < 1 || atom > atoms) {
          throw molfileError("\"" + name + "\" names atom " + std::to_string(atom) +
                                 ", but the Molfile has " + range,
                             n + 1);
        }
        bool ok = name == "M  CHG"   ? value >= -15 && value <= 15
                  : name == "M  RAD" ? value >= 0 && value <= 3
                                     : value >= 1 && value <= 300;
        if (!ok) {
          throw molfileError(
              "\"" + name + "\" gives atom " + std::to_string(atom) + " the value " +
                  std::to_string(value) + " (" +
                  (name == "M  CHG"   ? "a charge must be between -15 and 15"
                   : name == "M  RAD" ? "a radical code must be 0 to 3"
                                      : "an isotope's mass number must be between 1 and 300") +
                  ")",
              n + 1);
        }
      }
    } else if (name == "M  ALS") {
      long atom = 0;
      long count = 0;
      if (line.size() < 13 || !parseCount(line.substr(7, 3), atom) ||
          !parseCount(line.substr(10, 3), count)) {
        throw molfileError("\"M  ALS\" needs the atom number (columns 8-10) and the number of "
                           "elements in its list (columns 11-13)",
                           n + 1);
      }
      if (atom < 1 || atom > atoms) {
        throw molfileError("\"M  ALS\" names atom " + std::to_string(atom) +
                               ", but the Molfile has " + range,
                           n + 1);
      }
      if (count == 0) {
        throw molfileError("the atom list of atom " + std::to_string(atom) +
                               " is empty: an atom list needs at least one element",
                           n + 1);
      }
      if (count > 16) {
        throw molfileError("the atom list of atom " + std::to_string(atom) + " has " +
                               std::to_string(count) + " elements; at most 16 are allowed",
                           n + 1);
      }
      if (line.size() < static_cast<std::size_t>(16 + 4 * count)) {
        throw molfileError("the atom list of atom " + std::to_string(atom) + " announces " +
                               std::to_string(count) +
                               " elements but the line holds fewer (each takes 4 columns "
                               "from column 17)",
                           n + 1);
      }
      for (long k = 0; k < count; ++k) {
        std::string_view entry = line.substr(static_cast<std::size_t>(16 + 4 * k), 4);
        std::size_t b = entry.find_first_not_of(' ');
        std::size_t e = entry.find_last_not_of(' ');
        if (b == std::string_view::npos || !isElement(entry.substr(b, e - b + 1))) {
          throw molfileError("the atom list of atom " + std::to_string(atom) + ": entry " +
                                 std::to_string(k + 1) + " ('" + std::string(entry) +
                                 "') is not an element symbol",
                             n + 1);
        }
      }
    }
  }
}

// V3000 atom records: "index type x y z aamap [KEY=VALUE ...]". Numeric properties must be
// integers in their range (RDKit stores an out-of-range charge as if none had been given),
// an atom list "[...]" must name at least one element.
void checkV3000Atom(const std::string& record, std::size_t line) {
  std::istringstream fields(record);
  std::vector<std::string> parts;
  for (std::string f; fields >> f;) parts.push_back(f);
  if (parts.size() < 6) {
    throw molfileError("an atom needs an index, a type, x, y, z and an atom-map number", line);
  }
  std::string type = parts[1];
  if (type == "NOT" && parts.size() >= 7) {
    type = parts[2];
    parts.erase(parts.begin() + 1);
  }
  if (!type.empty() && type.front() == '[') {
    std::string inside = type.substr(1, type.size() >= 2 && type.back() == ']' ? type.size() - 2
                                                                                : std::string::npos);
    if (inside.find_first_not_of(", ") == std::string::npos) {
      throw molfileError("atom " + parts[0] + " has an empty atom list \"" + type +
                             "\": an atom list needs at least one element",
                         line);
    }
  }
  for (std::size_t k = 2; k <= 4; ++k) {
    if (!isNumber(parts[k])) {
      throw molfileError("atom " + parts[0] + ": '" + parts[k] + "' is not a coordinate", line);
    }
  }
  struct Range {
    const char* key;
    long low;
    long high;
    const char* what;
  };
  static const Range kRanges[] = {
      {"CHG", -15, 15, "a charge must be between -15 and 15"},
      {"RAD", 0, 3, "a radical code must be 0 to 3"},
      {"MASS", 1, 300, "an isotope's mass number must be between 1 and 300"},
      {"VAL", -1, 14, "a valence must be -1 (none) to 14"},
      {"CFG", 0, 3, "a stereo configuration must be 0 to 3"},
      {"HCOUNT", -1, 15, "a hydrogen count query must be -1 to 15"},
  };
  for (std::size_t k = 6; k < parts.size(); ++k) {
    std::size_t eq = parts[k].find('=');
    if (eq == std::string::npos) continue;
    std::string key = parts[k].substr(0, eq);
    std::string value = parts[k].substr(eq + 1);
    for (const Range& r : kRanges) {
      if (key != r.key) continue;
      long number = 0;
      if (!parseSigned(value, number) || number < r.low || number > r.high) {
        throw molfileError("atom " + parts[0] + ": " + key + "=" + value.substr(0, 20) + " (" +
                               r.what + ")",
                           line);
      }
    }
  }
}

// V3000: every atom a bond names must be defined in the ATOM block (atoms are named by
// their index field, the first one of an atom line). Continued lines ("-" at the end) are
// joined first.
void checkV3000Bonds(const std::vector<std::string_view>& lines) {
  constexpr std::string_view kPrefix = "M  V30 ";
  std::vector<long> atomIds;
  enum class Block { None, Atoms, Bonds } block = Block::None;
  std::string record;
  std::size_t recordLine = 0;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (!startsWith(line, kPrefix)) continue;
    std::string_view body = line.substr(kPrefix.size());
    if (record.empty()) recordLine = n + 1;
    if (!body.empty() && body.back() == '-') {
      record.append(body.substr(0, body.size() - 1));
      continue;
    }
    record.append(body);
    std::string text;
    text.swap(record);
    if (startsWith(text, "BEGIN ATOM")) block = Block::Atoms;
    else if (startsWith(text, "BEGIN BOND")) block = Block::Bonds;
    else if (startsWith(text, "END ")) block = Block::None;
    else if (block == Block::Atoms) {
      checkV3000Atom(text, recordLine);
      long id = 0;
      if (std::sscanf(text.c_str(), "%ld", &id) == 1) atomIds.push_back(id);
    } else if (block == Block::Bonds) {
      long index = 0;
      long type = 0;
      long a = 0;
      long b = 0;
      if (std::sscanf(text.c_str(), "%ld %ld %ld %ld", &index, &type, &a, &b) != 4) continue;
      for (long atom : {a, b}) {
        if (std::find(atomIds.begin(), atomIds.end(), atom) == atomIds.end()) {
          throw molfileError(bondJoinsMissingAtom(index, atom,
                                                  "no atom " + std::to_string(atom) +
                                                      " in its ATOM block"),
                             recordLine);
        }
      }
    }
  }
}

// Header lines 1-3 are free text (names may be UTF-8); the connection table is ASCII.
void checkMolfileBytes(const std::vector<std::string_view>& lines) {
  for (std::size_t n = 0; n < lines.size(); ++n) {
    for (char ch : lines[n]) {
      auto c = static_cast<unsigned char>(ch);
      if (c == 0) throw molfileError("contains a NUL byte", n + 1);
      if (n >= 3 && (c >= 0x80 || (c < 0x20 && c != '\t'))) {
        throw molfileError("contains the byte " + describeByte(c) +
                               "; the connection table must be plain ASCII",
                           n + 1);
      }
    }
  }
}

// The atom and bond counts a Molfile declares: columns 1-6 of the counts line (V2000), or
// the "M  V30 COUNTS" line (V3000).
struct MolfileCounts {
  long atoms = 0;
  long bonds = 0;
};

MolfileCounts readV2000Counts(std::string_view counts) {
  MolfileCounts declared;
  if (counts.size() < 6 || !parseCount(counts.substr(0, 3), declared.atoms) ||
      !parseCount(counts.substr(3, 3), declared.bonds)) {
    throw molfileError(
        "the counts line must start with the atom and bond counts in columns 1-6 "
        "(\"aaabbb\")",
        4);
  }
  return declared;
}

MolfileCounts readV3000Counts(const std::vector<std::string_view>& lines) {
  for (std::size_t n = 4; n < lines.size(); ++n) {
    if (!startsWith(lines[n], "M  V30 COUNTS")) continue;
    std::string rest(lines[n].substr(13));
    long a = -1;
    long b = -1;
    char extra = 0;
    if (std::sscanf(rest.c_str(), " %ld %ld%c", &a, &b, &extra) < 2 || a < 0 || b < 0) {
      throw molfileError("malformed \"M  V30 COUNTS\" line", n + 1);
    }
    return {a, b};
  }
  throw molfileError("V3000 Molfile without an \"M  V30 COUNTS\" line", 4);
}

// The declared counts against the limits, and against the lines that follow them.
void checkDeclaredCounts(const std::vector<std::string_view>& lines, bool v3000,
                         const MolfileCounts& declared, const StructureLimits& limits) {
  long atoms = declared.atoms;
  long bonds = declared.bonds;
  if (atoms > static_cast<long>(limits.maxAtoms)) {
    throw limitError("Molfile declares too many atoms", "max_atoms", atoms, limits.maxAtoms);
  }
  if (bonds > static_cast<long>(limits.maxBonds)) {
    throw limitError("Molfile declares too many bonds", "max_bonds", bonds, limits.maxBonds);
  }
  if (atoms == 0) {
    throw invalidArgument("empty structure: the Molfile declares no atoms",
                          {{"limit", "empty"}, {"line", static_cast<int64_t>(4)}});
  }
  if (!v3000 && lines.size() < static_cast<std::size_t>(4 + atoms + bonds)) {
    throw molfileError("the counts line declares " + std::to_string(atoms) + " atoms and " +
                           std::to_string(bonds) + " bonds but only " +
                           std::to_string(lines.size() - 4) + " lines follow it",
                       4);
  }
  if (v3000) {
    long atomLines = 0;
    bool inAtoms = false;
    for (auto line : lines) {
      if (startsWith(line, "M  V30 BEGIN ATOM")) inAtoms = true;
      else if (startsWith(line, "M  V30 END ATOM")) inAtoms = false;
      else if (inAtoms) ++atomLines;
    }
    if (atomLines < atoms) {
      throw molfileError("the COUNTS line declares " + std::to_string(atoms) +
                             " atoms but the ATOM block has " + std::to_string(atomLines) +
                             " lines",
                         4);
    }
  }
}

}  // namespace

void checkMolfile(const std::string& text, const StructureLimits& limits) {
  if (text.size() > limits.maxMolfileBytes) {
    throw limitError("Molfile too large (bytes)", "max_molfile_bytes", text.size(),
                     limits.maxMolfileBytes);
  }
  auto lines = splitLines(text);
  checkMolfileBytes(lines);
  if (lines.size() < 4) {
    throw invalidArgument("Molfile too short: a Molfile needs 3 header lines and a counts line",
                          {{"line", static_cast<int64_t>(lines.size())}});
  }
  bool v3000 = lines[3].find("V3000") != std::string_view::npos;
  MolfileCounts declared = v3000 ? readV3000Counts(lines) : readV2000Counts(lines[3]);
  checkDeclaredCounts(lines, v3000, declared, limits);
  bool hasEnd = std::any_of(lines.begin(), lines.end(),
                            [](std::string_view l) { return startsWith(l, "M  END"); });
  if (!hasEnd) {
    throw molfileError("no \"M  END\" line: the Molfile is truncated",
                       lines.size());
  }
  if (v3000) {
    checkV3000Bonds(lines);
  } else {
    checkV2000Atoms(lines, declared.atoms);
    checkV2000Bonds(lines, declared.atoms, declared.bonds);
    checkV2000Properties(lines, declared.atoms, declared.bonds);
  }
}

}  // namespace argan::chem
