// libFuzzer target: the decoders of chemistry worker messages (server/chem_wire.h): structure,
// reaction and route analyses, search queries (answers) and routes (request arguments).
// A worker is a separate process that may be half-dead; whatever bytes it sends, decoding
// must end in a value or argan::Error(Internal), never a crash or an outsized allocation.
// Decoded values must re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/isolation/chem_wire.h"

namespace {

// Decoding ends in a value that re-encodes to the same bytes, or in Error(Internal).
template <typename T>
void decodes(std::string_view bytes) {
  using namespace argan;
  using namespace argan::server::wire;
  try {
    WireReader r(bytes);
    T value{};
    get(r, value);
    r.expectEnd();
    WireWriter w;
    put(w, value);
    if (w.data() != bytes) std::abort();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Internal) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argan;
  using namespace argan::server::wire;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  decodes<chem::StructureAnalysis>(bytes);
  decodes<chem::ReactionAnalysis>(bytes);
  decodes<chem::RouteAnalysis>(bytes);
  decodes<chem::SubstructureQuerySpec>(bytes);
  decodes<chem::RouteInput>(bytes);  // the worker's side: a request's arguments
  try {
    WireReader r(bytes);
    Error e = getError(r);
    r.expectEnd();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Internal) std::abort();
  }
  return 0;
}
