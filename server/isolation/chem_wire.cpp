#include "server/isolation/chem_wire.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <tuple>

namespace argan::server::wire {
namespace {

Error malformed(const std::string& what) {
  return internalError("malformed message from the chemistry worker: " + what);
}

}  // namespace

void WireWriter::u32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) data_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void WireWriter::i64(std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) data_.push_back(static_cast<char>((u >> (8 * i)) & 0xFF));
}

void WireWriter::f64(double v) {
  std::uint64_t u;
  static_assert(sizeof u == sizeof v);
  std::memcpy(&u, &v, sizeof u);
  i64(static_cast<std::int64_t>(u));
}

void WireWriter::bytes(std::string_view v) {
  if (v.size() > kMaxFrameBytes) throw internalError("value too large for a worker message");
  u32(static_cast<std::uint32_t>(v.size()));
  raw(v);
}

void WireReader::need(std::size_t n) const {
  if (data_.size() - pos_ < n) throw malformed("truncated");
}

std::uint8_t WireReader::u8() {
  need(1);
  return static_cast<std::uint8_t>(data_[pos_++]);
}

std::uint32_t WireReader::u32() {
  need(4);
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
  }
  pos_ += 4;
  return v;
}

std::int64_t WireReader::i64() {
  need(8);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
  }
  pos_ += 8;
  return static_cast<std::int64_t>(v);
}

double WireReader::f64() {
  auto u = static_cast<std::uint64_t>(i64());
  double v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

std::string WireReader::bytes() {
  std::uint32_t n = u32();
  need(n);
  std::string v(data_.substr(pos_, n));
  pos_ += n;
  return v;
}

std::uint32_t WireReader::count(std::size_t minItemBytes) {
  std::uint32_t n = u32();
  if (minItemBytes == 0) minItemBytes = 1;
  if (n > (data_.size() - pos_) / minItemBytes) throw malformed("count beyond the message");
  return n;
}

void WireReader::expectEnd() const {
  if (pos_ != data_.size()) throw malformed("trailing bytes");
}

void get(WireReader& r, bool& v) {
  std::uint8_t b = r.u8();
  if (b > 1) throw malformed("bad boolean");
  v = b == 1;
}

void get(WireReader& r, int& v) {
  std::int64_t n = r.i64();
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
    throw malformed("integer out of range");
  }
  v = static_cast<int>(n);
}

void get(WireReader& r, unsigned& v) {
  std::int64_t n = r.i64();
  if (n < 0 || n > std::numeric_limits<unsigned>::max()) throw malformed("integer out of range");
  v = static_cast<unsigned>(n);
}

void put(WireWriter& w, chem::StructureFormat v) { w.u8(static_cast<std::uint8_t>(v)); }

void get(WireReader& r, chem::StructureFormat& v) {
  std::uint8_t b = r.u8();
  if (b > static_cast<std::uint8_t>(chem::StructureFormat::Molfile)) {
    throw malformed("bad structure format");
  }
  v = static_cast<chem::StructureFormat>(b);
}

namespace {

template <typename... T>
void putFields(WireWriter& w, const std::tuple<T&...>& fields) {
  std::apply([&](auto&... f) { (put(w, f), ...); }, fields);
}

template <typename... T>
void getFields(WireReader& r, const std::tuple<T&...>& fields) {
  std::apply([&](auto&... f) { (get(r, f), ...); }, fields);
}

}  // namespace

// One field list per struct serves both directions, so put and get cannot disagree on the
// order. A field missing here does not cross to or from the worker: add new fields (the
// round-trip tests in tests/server/chem_wire_test.cpp compare the JSON of both sides).
#define ARGAN_WIRE_FIELDS(Type, ...)                                                   \
  void put(WireWriter& w, const Type& v) { putFields(w, std::tie(__VA_ARGS__)); }      \
  void get(WireReader& r, Type& v) { getFields(r, std::tie(__VA_ARGS__)); }

ARGAN_WIRE_FIELDS(chem::DepictionOptions, v.width, v.height, v.highlightAtoms, v.legend,
                  v.transparentBackground)
ARGAN_WIRE_FIELDS(chem::FormComponent, v.smiles, v.name, v.kind, v.count)
ARGAN_WIRE_FIELDS(chem::IdentityLayers, v.formula, v.canonicalSmiles, v.tautomerHash,
                  v.noStereoSmiles, v.noStereoTautomerHash, v.skeleton, v.inchi, v.inchiKey,
                  v.fullHash, v.stereoGroups, v.containsMetal)
ARGAN_WIRE_FIELDS(chem::MolecularProperties, v.formula, v.averageMass, v.monoisotopicMass, v.clogp,
                  v.tpsa, v.hbd, v.hba, v.rotatableBonds, v.heavyAtoms, v.rings, v.aromaticRings,
                  v.fractionSp3, v.formalCharge)
ARGAN_WIRE_FIELDS(chem::StructureAnalysis, v.format, v.warnings, v.identity, v.properties,
                  v.morganFingerprint, v.patternFingerprint, v.parentPickle, v.parentCount,
                  v.formComponents, v.formKey, v.formLabel, v.standardizationSteps, v.standardizer,
                  v.formInchiKey, v.submittedInchiKey)
ARGAN_WIRE_FIELDS(chem::SimilarityQuerySpec, v.canonicalSmiles, v.morganFingerprint)
ARGAN_WIRE_FIELDS(chem::RepeatUnitAnalysis, v.canonicalSmiles, v.formula, v.mass, v.starAtoms)
ARGAN_WIRE_FIELDS(chem::SubstructureQuerySpec, v.format, v.text, v.patternFingerprint, v.atoms,
                  v.screenBits, v.elementOnly)
ARGAN_WIRE_FIELDS(chem::ComponentInput, v.smiles, v.name, v.role, v.amount, v.unit, v.density,
                  v.equivalents, v.origin, v.fromStep, v.compound, v.substance)
ARGAN_WIRE_FIELDS(chem::ReactionConditions, v.temperatureC, v.timeH, v.pressureBar, v.atmosphere,
                  v.mode)
ARGAN_WIRE_FIELDS(chem::ReactionInput, v.reactionSmiles, v.rxnBlock, v.components, v.conditions,
                  v.workup, v.isolatedYield)
ARGAN_WIRE_FIELDS(chem::SolventClass, v.recognised, v.chem21Number, v.name, v.family,
                  v.rankingDefault, v.ranking, v.safetyScore, v.healthScore, v.environmentScore)
ARGAN_WIRE_FIELDS(chem::ResolvedComponent, v.side, v.role, v.coefficient, v.inputIndex, v.smiles,
                  v.name, v.canonicalSmiles, v.inchiKey, v.formula, v.molarMass, v.carbonAtoms,
                  v.charge, v.elements, v.water, v.solvent, v.amount, v.unit, v.density,
                  v.equivalentsGiven, v.massG, v.moles, v.amountSource, v.equivalents, v.origin,
                  v.fromStep, v.compound, v.substance)
ARGAN_WIRE_FIELDS(chem::ElementBalance, v.element, v.reactants, v.products)
ARGAN_WIRE_FIELDS(chem::BalanceReport, v.balanced, v.elements, v.chargeReactants,
                  v.chargeProducts, v.summary, v.suggestion)
ARGAN_WIRE_FIELDS(chem::Metric, v.key, v.name, v.unit, v.value, v.formula, v.definition,
                  v.reference, v.missing, v.detail)
ARGAN_WIRE_FIELDS(chem::TrafficLight, v.criterion, v.flag, v.basis, v.rule)
ARGAN_WIRE_FIELDS(chem::ReactionAnalysis, v.format, v.canonicalReactionSmiles, v.components,
                  v.desiredProduct, v.limitingReactant, v.balance, v.theoreticalProductMassG,
                  v.metrics, v.trafficLights, v.warnings, v.notStoichiometric)
ARGAN_WIRE_FIELDS(chem::RouteStepInput, v.number, v.name, v.reaction)
ARGAN_WIRE_FIELDS(chem::RouteInput, v.steps)
ARGAN_WIRE_FIELDS(chem::StepAnalysisResult, v.number, v.name, v.ok, v.error, v.analysis)
ARGAN_WIRE_FIELDS(chem::StepContribution, v.number, v.productKgPerKgFinal, v.rawInputKg,
                  v.pmiShare, v.extentPerMolFinal, v.feeds)
ARGAN_WIRE_FIELDS(chem::Principle, v.number, v.name, v.flag, v.evidence)
ARGAN_WIRE_FIELDS(chem::RouteAnalysis, v.steps, v.complete, v.problems, v.finalStep,
                  v.longestLinearSequence, v.contributions, v.metrics, v.worstTrafficLights,
                  v.principles)

#undef ARGAN_WIRE_FIELDS

namespace {
enum class DetailTag : std::uint8_t { kString = 0, kInt = 1, kDouble = 2, kBool = 3 };
}  // namespace

void put(WireWriter& w, const Error& e) {
  w.u8(static_cast<std::uint8_t>(e.code()));
  put(w, std::string(e.what()));
  w.u32(static_cast<std::uint32_t>(e.details().size()));
  for (const auto& [key, value] : e.details()) {
    put(w, key);
    if (const auto* s = std::get_if<std::string>(&value)) {
      w.u8(static_cast<std::uint8_t>(DetailTag::kString));
      put(w, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
      w.u8(static_cast<std::uint8_t>(DetailTag::kInt));
      put(w, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      w.u8(static_cast<std::uint8_t>(DetailTag::kDouble));
      put(w, *d);
    } else {
      w.u8(static_cast<std::uint8_t>(DetailTag::kBool));
      put(w, std::get<bool>(value));
    }
  }
}

Error getError(WireReader& r) {
  std::uint8_t code = r.u8();
  if (code > static_cast<std::uint8_t>(ErrorCode::Internal)) throw malformed("bad error code");
  std::string message = r.bytes();
  ErrorDetails details;
  std::uint32_t n = r.count(5);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string key = r.bytes();
    switch (static_cast<DetailTag>(r.u8())) {
      case DetailTag::kString:
        details[key] = r.bytes();
        break;
      case DetailTag::kInt:
        details[key] = r.i64();
        break;
      case DetailTag::kDouble:
        details[key] = r.f64();
        break;
      case DetailTag::kBool: {
        bool b;
        get(r, b);
        details[key] = b;
        break;
      }
      default:
        throw malformed("bad detail type");
    }
  }
  return Error(static_cast<ErrorCode>(code), message, std::move(details));
}

namespace {

// Reads exactly n bytes; returns the count read before a clean end of stream.
std::size_t readFully(int fd, char* buffer, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t got = ::read(fd, buffer + done, n - done);
    if (got == 0) return done;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw unavailable(std::string("reading a worker message: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(got);
  }
  return done;
}

}  // namespace

bool readFrame(int fd, std::string& frame) {
  char header[4];
  std::size_t got = readFully(fd, header, 4);
  if (got == 0) return false;
  if (got < 4) throw malformed("stream ended inside a frame header");
  WireReader r(std::string_view(header, 4));
  std::uint32_t n = r.u32();
  if (n > kMaxFrameBytes) throw malformed("frame too large");
  frame.assign(n, '\0');
  if (readFully(fd, frame.data(), n) != n) throw malformed("stream ended inside a frame");
  return true;
}

void writeFrame(int fd, std::string_view frame) {
  WireWriter header;
  header.u32(static_cast<std::uint32_t>(frame.size()));
  std::string out = header.take();
  out.append(frame.data(), frame.size());
  std::size_t done = 0;
  while (done < out.size()) {
    // send() with MSG_NOSIGNAL: a vanished peer is an error, never a SIGPIPE.
    ssize_t sent = ::send(fd, out.data() + done, out.size() - done, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw unavailable(std::string("writing a worker message: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(sent);
  }
}

}  // namespace argan::server::wire
