#include "chem/reaction_input_check.h"

#include <cctype>
#include <cstdio>
#include <string_view>
#include <utility>

#include "chem/input_check.h"
#include "common/error.h"

namespace argan::chem {
namespace {

using std::int64_t;

Error reactionError(const std::string& message, std::size_t position) {
  return invalidArgument(
      "reaction SMILES: " + message + " (at position " + std::to_string(position) + ")",
      {{"field", "reaction_smiles"}, {"position", static_cast<int64_t>(position)}});
}

std::string describeByte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

// Re-raises an error from checkSmiles on one species with the species named and the
// position counted in the whole reaction text.
[[noreturn]] void rethrowForSpecies(const Error& e, const SpeciesText& species) {
  std::string message = e.what();
  ErrorDetails details = e.details();
  auto found = details.find("position");
  if (found != details.end() && std::holds_alternative<int64_t>(found->second)) {
    int64_t local = std::get<int64_t>(found->second);
    std::size_t cut = message.rfind(" (at position ");
    if (cut != std::string::npos) message.resize(cut);
    int64_t global = local + static_cast<int64_t>(species.position);
    details["position"] = global;
    message += " (at position " + std::to_string(global) + " of the reaction SMILES)";
  }
  details["species"] = species.label();
  details["field"] = std::string("reaction_smiles");
  throw Error(e.code(), species.label() + " '" + species.text.substr(0, 80) + "': " + message,
              details);
}

ReactionPart partAt(int index) {
  return index == 0   ? ReactionPart::Reactants
         : index == 1 ? ReactionPart::Agents
                      : ReactionPart::Products;
}

}  // namespace

const char* reactionPartName(ReactionPart part) {
  switch (part) {
    case ReactionPart::Reactants:
      return "reactant";
    case ReactionPart::Agents:
      return "agent";
    case ReactionPart::Products:
      return "product";
  }
  return "reactant";
}

std::string SpeciesText::label() const {
  return std::string(reactionPartName(part)) + " " + std::to_string(ordinal);
}

bool looksLikeRxnFile(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
    ++i;
  }
  return text.compare(i, 4, "$RXN") == 0;
}

namespace {

bool isReactionSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The length limit, then [begin, end): the text without surrounding whitespace, which must
// be non-empty printable ASCII without spaces.
std::pair<std::size_t, std::size_t> checkReactionCharacters(const std::string& text,
                                                            const ReactionLimits& limits) {
  if (text.size() > limits.maxReactionSmilesLength) {
    throw invalidArgument("reaction SMILES too long: " + std::to_string(text.size()) +
                              " exceeds the limit of " +
                              std::to_string(limits.maxReactionSmilesLength) + " characters",
                          {{"field", "reaction_smiles"},
                           {"limit", "max_reaction_smiles_length"},
                           {"value", static_cast<int64_t>(text.size())},
                           {"maximum", static_cast<int64_t>(limits.maxReactionSmilesLength)}});
  }
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && isReactionSpace(text[begin])) ++begin;
  while (end > begin && isReactionSpace(text[end - 1])) --end;
  if (begin == end) {
    throw invalidArgument(
        "empty reaction: a reaction SMILES has the form reactants>agents>products",
        {{"field", "reaction_smiles"}});
  }
  for (std::size_t i = begin; i < end; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      throw reactionError(
          "contains the non-ASCII byte " + describeByte(c) + "; it must be plain ASCII", i);
    }
    if (isReactionSpace(text[i])) {
      throw reactionError(
          "unexpected whitespace; a reaction SMILES cannot contain spaces (reaction names and "
          "CXSMILES extensions are not accepted)",
          i);
    }
    if (c < 0x20 || c == 0x7F) {
      throw reactionError("contains the control character " + describeByte(c), i);
    }
  }
  return {begin, end};
}

// Component-level group "(A.B)" opening at `open`: one species made of several fragments.
// Returns the position of its closing ')'.
std::size_t closeOfGroup(const std::string& text, std::size_t open, std::size_t end) {
  int depth = 0;
  bool inBracket = false;
  std::size_t close = std::string::npos;
  for (std::size_t k = open; k < end; ++k) {
    char c = text[k];
    if (inBracket) {
      if (c == ']') inBracket = false;
      continue;
    }
    if (c == '[') {
      inBracket = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      close = k;
      break;
    } else if (c == '>') {
      throw reactionError("'>' inside a parenthesised group", k);
    }
  }
  if (close == std::string::npos) {
    throw reactionError("the group '(' opened here is never closed", open);
  }
  if (close == open + 1) throw reactionError("empty group '()'", open);
  return close;
}

// A species written without group parentheses, starting at `start`: returns the position
// of the '.' or '>' after it (outside brackets and branches), or `end`.
std::size_t endOfSpecies(const std::string& text, std::size_t start, std::size_t end) {
  int depth = 0;
  std::size_t lastOpen = start;
  bool inBracket = false;
  std::size_t k = start;
  for (; k < end; ++k) {
    char c = text[k];
    if (inBracket) {
      if (c == ']')
        inBracket = false;
      else if (c == '>')
        throw reactionError("'>' inside a bracket atom", k);
      continue;
    }
    if (c == '[') {
      inBracket = true;
    } else if (c == '(') {
      ++depth;
      lastOpen = k;
    } else if (c == ')') {
      if (depth == 0) throw reactionError("')' without a matching '('", k);
      --depth;
    } else if (c == '>' && depth > 0) {
      throw reactionError(
          "unclosed branch: a '(' is not closed before the '>' at position " + std::to_string(k),
          lastOpen);
    } else if ((c == '.' || c == '>') && depth == 0) {
      break;
    }
  }
  return k;
}

// The species read so far, numbered within their part.
struct SpeciesList {
  SpeciesList(const std::string& text, const ReactionLimits& limits) : text(text), limits(limits) {}

  const std::string& text;
  const ReactionLimits& limits;
  std::vector<SpeciesText> species;
  unsigned ordinals[3] = {0, 0, 0};  // species per part
  int part = 0;                      // 0 reactants, 1 agents, 2 products

  // Adds text[from, to) to the current part; `at` is its position in the reaction text.
  void add(std::size_t from, std::size_t to, std::size_t at) {
    if (species.size() >= limits.maxSpecies) {
      throw invalidArgument(
          "too many species in the reaction: more than " + std::to_string(limits.maxSpecies),
          {{"field", "reaction_smiles"},
           {"limit", "max_species"},
           {"maximum", static_cast<int64_t>(limits.maxSpecies)}});
    }
    SpeciesText s;
    s.part = partAt(part);
    s.ordinal = ++ordinals[part];
    s.text = text.substr(from, to - from);
    s.position = at;
    species.push_back(std::move(s));
  }
};

// Splits text[begin, end) into species at '.' and '>' outside groups, brackets and
// branches. Throws reactionError at the first syntax problem.
void splitSpecies(std::size_t begin, std::size_t end, SpeciesList& list) {
  const std::string& text = list.text;
  std::size_t i = begin;
  // Each iteration reads at most one species, then its separator ('.', '>' or the end).
  char lastSeparator = 0;
  while (true) {
    bool atSeparator = i == end || text[i] == '>' || text[i] == '.';
    if (atSeparator) {
      if (lastSeparator == '.' || (i < end && text[i] == '.')) {
        throw reactionError(lastSeparator == '.' ? "a species is missing after '.'"
                                                 : "a species is missing before '.'",
                            i);
      }
      // An empty part: allowed for the agents; reactants and products are checked after.
    } else if (text[i] == '(') {
      std::size_t close = closeOfGroup(text, i, end);
      list.add(i + 1, close, i + 1);
      i = close + 1;
      if (i < end && text[i] != '.' && text[i] != '>') {
        throw reactionError(
            std::string("unexpected '") + text[i] + "' after a group; separate species with '.'",
            i);
      }
    } else {
      std::size_t start = i;
      i = endOfSpecies(text, start, end);
      list.add(start, i, start);
    }
    if (i == end) break;
    lastSeparator = text[i];
    if (lastSeparator == '>') {
      if (list.part == 2) {
        throw reactionError(
            "a third '>': a reaction SMILES has exactly two (reactants>agents>products)", i);
      }
      ++list.part;
    }
    ++i;
    if (i == end && lastSeparator == '.') {
      throw reactionError("a species is missing after '.'", i);
    }
  }
}

// Exactly two '>', at least one reactant and one product.
void checkReactionParts(const SpeciesList& list) {
  if (list.part != 2) {
    throw invalidArgument(
        "reaction SMILES: found " + std::to_string(list.part) +
            " '>' but a reaction SMILES has exactly two: reactants>agents>products "
            "(write \"A.B>>C\" when there are no agents)",
        {{"field", "reaction_smiles"}});
  }
  if (list.ordinals[0] == 0) {
    throw invalidArgument("reaction SMILES: a reaction needs at least one reactant",
                          {{"field", "reaction_smiles"}});
  }
  if (list.ordinals[2] == 0) {
    throw invalidArgument("reaction SMILES: a reaction needs at least one product",
                          {{"field", "reaction_smiles"}});
  }
}

// checkSmiles on every species, then the heavy atoms of all of them against the limit.
void checkSpeciesSmiles(const std::vector<SpeciesText>& species, const ReactionLimits& limits) {
  unsigned heavy = 0;
  for (const auto& s : species) {
    try {
      SmilesScan scan = checkSmiles(s.text, limits.structure);
      heavy += scan.heavyAtoms;
    } catch (const Error& e) {
      rethrowForSpecies(e, s);
    }
  }
  if (heavy > limits.maxTotalHeavyAtoms) {
    throw invalidArgument("too many heavy atoms in the reaction: " + std::to_string(heavy) +
                              " exceeds the limit of " + std::to_string(limits.maxTotalHeavyAtoms),
                          {{"field", "reaction_smiles"}, {"limit", "max_total_heavy_atoms"}});
  }
}

}  // namespace

std::vector<SpeciesText> checkReactionSmiles(const std::string& text,
                                             const ReactionLimits& limits) {
  auto [begin, end] = checkReactionCharacters(text, limits);
  SpeciesList list(text, limits);
  splitSpecies(begin, end, list);
  checkReactionParts(list);
  checkSpeciesSmiles(list.species, limits);
  return std::move(list.species);
}

namespace {

Error rxnError(const std::string& message, std::size_t line) {
  return invalidArgument("RXN file line " + std::to_string(line) + ": " + message,
                         {{"field", "rxn"}, {"line", static_cast<int64_t>(line)}});
}

std::vector<std::string_view> rxnLines(const std::string& text) {
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
  return lines;
}

bool readCount(std::string_view line, std::size_t column, long& out) {
  if (line.size() < column + 3) return false;
  std::string_view field = line.substr(column, 3);
  std::size_t b = 0;
  while (b < field.size() && field[b] == ' ') ++b;
  if (b == field.size()) return false;
  long v = 0;
  for (std::size_t k = b; k < field.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(field[k]))) return false;
    v = v * 10 + (field[k] - '0');
  }
  out = v;
  return true;
}

// Size and NUL bytes of a whole RXN file.
void checkRxnBytes(const std::string& text, const ReactionLimits& limits) {
  if (text.size() > limits.maxRxnBytes) {
    throw invalidArgument("RXN file too large: " + std::to_string(text.size()) +
                              " bytes exceeds the limit of " + std::to_string(limits.maxRxnBytes),
                          {{"field", "rxn"}, {"limit", "max_rxn_bytes"}});
  }
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '\0') {
      throw invalidArgument("RXN file contains a NUL byte", {{"field", "rxn"}});
    }
  }
}

// The species counts an RXN file declares.
struct RxnCounts {
  std::size_t line = 0;  // 0-based index of the counts line
  long reactants = 0;
  long products = 0;
  long agents = 0;
  long total() const { return reactants + products + agents; }
};

// Finds the V2000 "$RXN" header (after blank lines) and reads the counts line four lines
// below it.
RxnCounts readRxnCounts(const std::vector<std::string_view>& lines, const ReactionLimits& limits) {
  std::size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  if (first == lines.size() || lines[first].substr(0, 4) != "$RXN") {
    throw rxnError("an RXN file starts with \"$RXN\"", first + 1);
  }
  if (lines[first].find("V3000") != std::string_view::npos) {
    throw rxnError(
        "V3000 RXN files are not supported; save the reaction as a V2000 RXN file or as "
        "reaction SMILES",
        first + 1);
  }
  RxnCounts n;
  n.line = first + 4;
  if (n.line >= lines.size()) {
    throw rxnError("the file ends before the counts line (line 5 after \"$RXN\")", lines.size());
  }
  std::string_view counts = lines[n.line];
  if (!readCount(counts, 0, n.reactants) || !readCount(counts, 3, n.products)) {
    throw rxnError("the counts line must give the reactant and product counts in columns 1-6",
                   n.line + 1);
  }
  if (counts.size() >= 9) readCount(counts, 6, n.agents);
  if (n.reactants < 1) throw rxnError("a reaction needs at least one reactant", n.line + 1);
  if (n.products < 1) throw rxnError("a reaction needs at least one product", n.line + 1);
  if (n.total() > static_cast<long>(limits.maxSpecies)) {
    throw invalidArgument(
        "too many species in the RXN file: more than " + std::to_string(limits.maxSpecies),
        {{"field", "rxn"}, {"limit", "max_species"}});
  }
  return n;
}

// Species `index` (0-based, in file order: reactants, products, agents) whose Molfile spans
// lines[startLine..stop].
SpeciesText rxnSpecies(const std::vector<std::string_view>& lines, std::size_t startLine,
                       std::size_t stop, long index, const RxnCounts& n) {
  SpeciesText s;
  s.molfile = true;
  s.part = index < n.reactants                ? ReactionPart::Reactants
           : index < n.reactants + n.products ? ReactionPart::Products
                                              : ReactionPart::Agents;
  s.ordinal = static_cast<unsigned>(index < n.reactants ? index + 1
                                    : index < n.reactants + n.products
                                        ? index - n.reactants + 1
                                        : index - n.reactants - n.products + 1);
  s.firstLine = startLine + 1;
  std::string block;
  for (std::size_t k = startLine; k <= stop; ++k) {
    block.append(lines[k].data(), lines[k].size());
    block += '\n';
  }
  s.text = std::move(block);
  return s;
}

}  // namespace

std::vector<SpeciesText> checkRxnFile(const std::string& text, const ReactionLimits& limits) {
  checkRxnBytes(text, limits);
  auto lines = rxnLines(text);
  RxnCounts counts = readRxnCounts(lines, limits);
  std::vector<SpeciesText> species;
  long index = 0;
  long total = counts.total();
  std::size_t n = counts.line + 1;
  while (n < lines.size() && index < total) {
    if (lines[n].substr(0, 4) != "$MOL") {
      if (lines[n].empty()) {
        ++n;
        continue;
      }
      throw rxnError("expected \"$MOL\" before species " + std::to_string(index + 1), n + 1);
    }
    std::size_t startLine = n + 1;  // 0-based index of the Molfile's first line
    std::size_t stop = startLine;
    while (stop < lines.size() && lines[stop].substr(0, 6) != "M  END") ++stop;
    if (stop == lines.size()) {
      throw rxnError(
          "the Molfile of species " + std::to_string(index + 1) + " has no \"M  END\" line",
          startLine + 1);
    }
    species.push_back(rxnSpecies(lines, startLine, stop, index, counts));
    ++index;
    n = stop + 1;
  }
  if (index < total) {
    throw rxnError("the counts line declares " + std::to_string(total) + " species but " +
                       std::to_string(index) + " \"$MOL\" blocks follow",
                   counts.line + 1);
  }
  return species;
}

}  // namespace argan::chem
