// The message format between the server and its chemistry worker processes.
//
// A message is a frame: a 4-byte little-endian length N (at most kMaxFrameBytes) and N bytes.
// The bytes are plain data written by WireWriter and read back by WireReader in the same
// order: fixed-width little-endian integers, IEEE doubles, length-prefixed strings, counted
// vectors, and structs field by field. No pointers, no versioning: both ends are the same
// `argan` binary (the server starts its workers from its own executable).
//
//   request  = string method, then the method's arguments      (put(w, arg)...)
//   response = u8 status, then the result (status kOk) or an argan::Error (kError,
//              kErrorWorkerExits: the worker answered, then exits; see chem_worker.h)
//
// To carry a new type, declare its put/get pair below and list its fields once with
// ARGAN_WIRE_FIELDS in chem_wire.cpp (one list serves both directions).
// WireReader throws argan::Error(Internal) on a truncated or malformed message; it never
// allocates more than the message holds. Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chem/depiction_options.h"
#include "chem/reaction_types.h"
#include "chem/structure_types.h"
#include "chem/substructure_query.h"
#include "common/error.h"

namespace argan::server::wire {

constexpr std::uint32_t kMaxFrameBytes = 64u * 1024 * 1024;

enum class Status : std::uint8_t { kOk = 0, kError = 1, kErrorWorkerExits = 2 };

class WireWriter {
 public:
  void u8(std::uint8_t v) { data_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v);
  void i64(std::int64_t v);
  void f64(double v);
  void bytes(std::string_view v);  // u32 length + bytes
  void raw(std::string_view v) { data_.append(v.data(), v.size()); }
  const std::string& data() const { return data_; }
  std::string take() { return std::move(data_); }

 private:
  std::string data_;
};

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  std::uint8_t u8();
  std::uint32_t u32();
  std::int64_t i64();
  double f64();
  std::string bytes();
  // A count of items that each take at least `minItemBytes`: refused if the rest of the
  // message cannot hold them (so a bad count never drives an allocation).
  std::uint32_t count(std::size_t minItemBytes);
  std::string_view rest() const { return data_.substr(pos_); }
  // Throws Internal unless every byte was read.
  void expectEnd() const;

 private:
  void need(std::size_t n) const;
  std::string_view data_;
  std::size_t pos_ = 0;
};

// Values.
inline void put(WireWriter& w, const std::string& v) { w.bytes(v); }
inline void get(WireReader& r, std::string& v) { v = r.bytes(); }
inline void put(WireWriter& w, bool v) { w.u8(v ? 1 : 0); }
void get(WireReader& r, bool& v);
inline void put(WireWriter& w, int v) { w.i64(v); }
void get(WireReader& r, int& v);
inline void put(WireWriter& w, unsigned v) { w.i64(v); }
void get(WireReader& r, unsigned& v);
inline void put(WireWriter& w, std::int64_t v) { w.i64(v); }
inline void get(WireReader& r, std::int64_t& v) { v = r.i64(); }
inline void put(WireWriter& w, double v) { w.f64(v); }
inline void get(WireReader& r, double& v) { v = r.f64(); }

template <typename T>
void put(WireWriter& w, const std::vector<T>& v) {
  w.u32(static_cast<std::uint32_t>(v.size()));
  for (const T& item : v) put(w, item);
}
template <typename T>
void get(WireReader& r, std::vector<T>& v) {
  std::uint32_t n = r.count(1);
  v.clear();
  // Items are at least a byte on the wire but may be hundreds in memory: reserve only a
  // little up front, so memory follows the items actually decoded, not the claimed count.
  v.reserve(n < 256 ? n : 256);
  for (std::uint32_t i = 0; i < n; ++i) {
    T item{};
    get(r, item);
    v.push_back(std::move(item));
  }
}

template <typename T>
void put(WireWriter& w, const std::optional<T>& v) {
  put(w, v.has_value());
  if (v) put(w, *v);
}
template <typename T>
void get(WireReader& r, std::optional<T>& v) {
  bool present = false;
  get(r, present);
  v.reset();
  if (present) {
    T item{};
    get(r, item);
    v = std::move(item);
  }
}

// Chemistry types.
void put(WireWriter& w, chem::StructureFormat v);
void get(WireReader& r, chem::StructureFormat& v);
void put(WireWriter& w, const chem::DepictionOptions& v);
void get(WireReader& r, chem::DepictionOptions& v);
void put(WireWriter& w, const chem::FormComponent& v);
void get(WireReader& r, chem::FormComponent& v);
void put(WireWriter& w, const chem::IdentityLayers& v);
void get(WireReader& r, chem::IdentityLayers& v);
void put(WireWriter& w, const chem::MolecularProperties& v);
void get(WireReader& r, chem::MolecularProperties& v);
void put(WireWriter& w, const chem::StructureAnalysis& v);
void get(WireReader& r, chem::StructureAnalysis& v);
void put(WireWriter& w, const chem::SimilarityQuerySpec& v);
void get(WireReader& r, chem::SimilarityQuerySpec& v);
void put(WireWriter& w, const chem::RepeatUnitAnalysis& v);
void get(WireReader& r, chem::RepeatUnitAnalysis& v);
void put(WireWriter& w, const chem::SubstructureQuerySpec& v);
void get(WireReader& r, chem::SubstructureQuerySpec& v);

// Reactions and routes (chem/reaction_types.h).
void put(WireWriter& w, const chem::ComponentInput& v);
void get(WireReader& r, chem::ComponentInput& v);
void put(WireWriter& w, const chem::ReactionConditions& v);
void get(WireReader& r, chem::ReactionConditions& v);
void put(WireWriter& w, const chem::ReactionInput& v);
void get(WireReader& r, chem::ReactionInput& v);
void put(WireWriter& w, const chem::SolventClass& v);
void get(WireReader& r, chem::SolventClass& v);
void put(WireWriter& w, const chem::ResolvedComponent& v);
void get(WireReader& r, chem::ResolvedComponent& v);
void put(WireWriter& w, const chem::ElementBalance& v);
void get(WireReader& r, chem::ElementBalance& v);
void put(WireWriter& w, const chem::BalanceReport& v);
void get(WireReader& r, chem::BalanceReport& v);
void put(WireWriter& w, const chem::Metric& v);
void get(WireReader& r, chem::Metric& v);
void put(WireWriter& w, const chem::TrafficLight& v);
void get(WireReader& r, chem::TrafficLight& v);
void put(WireWriter& w, const chem::ReactionAnalysis& v);
void get(WireReader& r, chem::ReactionAnalysis& v);
void put(WireWriter& w, const chem::RouteStepInput& v);
void get(WireReader& r, chem::RouteStepInput& v);
void put(WireWriter& w, const chem::RouteInput& v);
void get(WireReader& r, chem::RouteInput& v);
void put(WireWriter& w, const chem::StepAnalysisResult& v);
void get(WireReader& r, chem::StepAnalysisResult& v);
void put(WireWriter& w, const chem::StepContribution& v);
void get(WireReader& r, chem::StepContribution& v);
void put(WireWriter& w, const chem::Principle& v);
void get(WireReader& r, chem::Principle& v);
void put(WireWriter& w, const chem::RouteAnalysis& v);
void get(WireReader& r, chem::RouteAnalysis& v);

// Errors (code, message, details) cross the process boundary unchanged.
void put(WireWriter& w, const Error& e);
Error getError(WireReader& r);

// Frames on a blocking file descriptor (the worker's side). readFrame returns false on a
// clean end of stream before the first byte; throws Internal on a short or oversized frame
// and Unavailable on an I/O error. writeFrame throws Unavailable when the peer is gone.
bool readFrame(int fd, std::string& frame);
void writeFrame(int fd, std::string_view frame);

}  // namespace argan::server::wire
