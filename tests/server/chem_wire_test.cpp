// The worker message format: values survive a round trip; malformed messages are refused
// without allocating what they claim.
#include <sys/socket.h>
#include <unistd.h>

#include "server/chem_service.h"
#include "server/chem_wire.h"
#include "test_support.h"

using namespace argan;
using namespace argan::server::wire;

BOOST_AUTO_TEST_SUITE(chem_wire)

BOOST_AUTO_TEST_CASE(a_structure_analysis_survives_the_round_trip) {
  server::InProcessChemService chem(1);
  chem::StructureAnalysis original = chem.analyse("CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", "");
  WireWriter w;
  put(w, original);
  WireReader r(w.data());
  chem::StructureAnalysis copy;
  get(r, copy);
  r.expectEnd();
  BOOST_TEST(copy.identity.fullHash == original.identity.fullHash);
  BOOST_TEST(copy.identity.inchiKey == original.identity.inchiKey);
  BOOST_TEST(copy.parentPickle == original.parentPickle);
  BOOST_TEST(copy.morganFingerprint == original.morganFingerprint);
  BOOST_TEST(copy.properties.averageMass == original.properties.averageMass);
  BOOST_TEST(copy.properties.formalCharge == original.properties.formalCharge);
  BOOST_TEST(copy.formLabel == original.formLabel);
  BOOST_TEST_REQUIRE(copy.formComponents.size() == original.formComponents.size());
  BOOST_TEST(copy.formComponents[0].name == original.formComponents[0].name);
  BOOST_TEST(copy.standardizationSteps == original.standardizationSteps,
             boost::test_tools::per_element());
  BOOST_TEST((copy.format == original.format));
}

BOOST_AUTO_TEST_CASE(an_error_keeps_code_message_and_details) {
  Error original = invalidArgument("bad atom", {{"atom_index", std::int64_t{3}},
                                                {"limit", "max_atoms"},
                                                {"ratio", 0.5},
                                                {"fatal", true}});
  WireWriter w;
  put(w, original);
  WireReader r(w.data());
  Error copy = getError(r);
  r.expectEnd();
  BOOST_TEST((copy.code() == ErrorCode::InvalidArgument));
  BOOST_TEST(std::string(copy.what()) == "bad atom");
  BOOST_TEST((copy.details() == original.details()));
}

BOOST_AUTO_TEST_CASE(truncated_and_lying_messages_are_refused) {
  WireWriter w;
  put(w, std::string("hello"));
  std::string bytes = w.data();
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    WireReader r(std::string_view(bytes).substr(0, cut));
    test::expectError(ErrorCode::Internal, [&] { r.bytes(); });
  }
  // A vector that claims four billion items in a 4-byte message.
  WireWriter liar;
  liar.u32(0xFFFFFFFFu);
  WireReader r(liar.data());
  std::vector<std::string> items;
  test::expectError(ErrorCode::Internal, [&] { get(r, items); });
  // Out-of-range enums and booleans.
  WireWriter bad;
  bad.u8(7);
  WireReader rb(bad.data());
  bool flag;
  test::expectError(ErrorCode::Internal, [&] { get(rb, flag); });
  WireReader rc(bad.data());
  test::expectError(ErrorCode::Internal, [&] { getError(rc); });
  WireReader trailing(bad.data());
  test::expectError(ErrorCode::Internal, [&] { trailing.expectEnd(); });
}

BOOST_AUTO_TEST_CASE(frames_cross_a_socket_and_a_huge_length_is_refused) {
  int sv[2];
  BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  writeFrame(sv[0], "abc");
  writeFrame(sv[0], "");
  std::string frame;
  BOOST_TEST(readFrame(sv[1], frame));
  BOOST_TEST(frame == "abc");
  BOOST_TEST(readFrame(sv[1], frame));
  BOOST_TEST(frame.empty());
  WireWriter huge;
  huge.u32(kMaxFrameBytes + 1);
  BOOST_TEST(::write(sv[0], huge.data().data(), 4) == 4);
  test::expectError(ErrorCode::Internal, [&] { readFrame(sv[1], frame); });
  ::close(sv[0]);
  BOOST_TEST(!readFrame(sv[1], frame));  // a clean end of stream
  ::close(sv[1]);
}

BOOST_AUTO_TEST_SUITE_END()
