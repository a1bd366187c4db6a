// The worker message format: values survive a round trip; malformed messages are refused
// without allocating what they claim.
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "server/isolation/chem_service.h"
#include "server/isolation/chem_wire.h"
#include "server/json/route_json.h"
#include "chem_samples.h"
#include "test_support.h"

using namespace argan;
using namespace argan::server::wire;

namespace {

template <typename T>
T roundTrip(const T& original) {
  WireWriter w;
  put(w, original);
  WireReader r(w.data());
  T copy{};
  get(r, copy);
  r.expectEnd();
  // Every byte written is read back into a field: encoding the copy gives the same bytes.
  WireWriter again;
  put(again, copy);
  BOOST_TEST((again.data() == w.data()));
  return copy;
}

std::string jsonText(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream out;
  object->stringify(out);
  return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chem_wire)

BOOST_AUTO_TEST_CASE(a_reaction_input_and_its_analysis_survive_the_round_trip) {
  chem::RouteInput route = test::benzanilideRoute();
  const chem::ReactionInput& input = route.steps[2].reaction;
  chem::ReactionInput in = roundTrip(input);
  BOOST_TEST(in.reactionSmiles == input.reactionSmiles);
  BOOST_TEST_REQUIRE(in.components.size() == input.components.size());
  BOOST_TEST(*in.components[0].fromStep == 1);
  BOOST_TEST(in.components[1].compound == "CMP-000002");
  BOOST_TEST(*in.components[2].equivalents == 1.1);
  BOOST_TEST(*in.components[3].density == 1.325);
  BOOST_TEST(*in.components[5].amount == 5.0);
  BOOST_TEST(in.components[5].role == "reagent");
  BOOST_TEST(in.components[5].name == "silica gel");
  BOOST_TEST(*in.conditions.temperatureC == 80.0);
  BOOST_TEST(!in.conditions.pressureBar.has_value());
  BOOST_TEST(in.workup == input.workup, boost::test_tools::per_element());
  BOOST_TEST(*in.isolatedYield == 90.0);

  server::InProcessChemService chem(1);
  chem::ReactionAnalysis original = chem.analyseReaction(input);
  BOOST_TEST_REQUIRE(original.components.size() > 5u);
  chem::ReactionAnalysis copy = roundTrip(original);
  // The JSON the API answers is the same from the copy: no field the API shows is lost.
  BOOST_TEST(jsonText(server::reactionAnalysisJson(copy)) ==
             jsonText(server::reactionAnalysisJson(original)));
  // Fields the JSON may not show.
  BOOST_TEST(copy.components[0].solvent.name == original.components[0].solvent.name);
  BOOST_TEST(copy.balance.summary == original.balance.summary);
  BOOST_TEST(copy.limitingReactant == original.limitingReactant);
}

BOOST_AUTO_TEST_CASE(a_route_and_its_analysis_survive_the_round_trip) {
  chem::RouteInput input = test::benzanilideRoute();
  chem::RouteInput in = roundTrip(input);
  BOOST_TEST_REQUIRE(in.steps.size() == 3u);
  BOOST_TEST(in.steps[1].number == 2);
  BOOST_TEST(in.steps[1].name == "step 2");
  BOOST_TEST(in.steps[2].reaction.components.size() == input.steps[2].reaction.components.size());

  server::InProcessChemService chem(1);
  chem::RouteAnalysis original = chem.analyseRoute(input);
  BOOST_TEST_REQUIRE(original.problems.empty(), (original.problems.empty() ? "" : original.problems.front()));
  chem::RouteAnalysis copy = roundTrip(original);
  BOOST_TEST(copy.complete);
  BOOST_TEST(*copy.finalStep == 3);
  BOOST_TEST(copy.longestLinearSequence == original.longestLinearSequence,
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(copy.steps.size() == 3u);
  for (std::size_t i = 0; i < copy.steps.size(); ++i) {
    BOOST_TEST(copy.steps[i].ok);
    BOOST_TEST(jsonText(server::reactionAnalysisJson(copy.steps[i].analysis)) ==
               jsonText(server::reactionAnalysisJson(original.steps[i].analysis)));
  }
  BOOST_TEST_REQUIRE(copy.metrics.size() == original.metrics.size());
  for (std::size_t i = 0; i < copy.metrics.size(); ++i) {
    BOOST_TEST(jsonText(server::metricJson(copy.metrics[i])) ==
               jsonText(server::metricJson(original.metrics[i])));
  }
  BOOST_TEST_REQUIRE(copy.contributions.size() == 3u);
  BOOST_TEST(*copy.contributions[0].feeds == 3);
  BOOST_TEST(*copy.contributions[0].pmiShare == *original.contributions[0].pmiShare);
  BOOST_TEST(copy.principles.size() == 12u);
  BOOST_TEST(copy.principles[4].flag == original.principles[4].flag);
  BOOST_TEST(copy.worstTrafficLights.size() == original.worstTrafficLights.size());

  // A step that cannot be analysed travels as a result, not an error.
  chem::RouteInput broken = input;
  broken.steps[1].reaction.reactionSmiles = "C1CC>>CC";
  chem::RouteAnalysis partial = roundTrip(chem.analyseRoute(broken));
  BOOST_TEST(!partial.steps[1].ok);
  BOOST_TEST(!partial.steps[1].error.empty());
  BOOST_TEST(!partial.complete);
}

BOOST_AUTO_TEST_CASE(search_queries_survive_the_round_trip) {
  server::InProcessChemService chem(1);
  chem::SubstructureQuerySpec sub = chem.prepareSubstructureQuery("c1ccccc1[$(C=O)]", "smarts");
  chem::SubstructureQuerySpec subCopy = roundTrip(sub);
  BOOST_TEST(subCopy.format == sub.format);
  BOOST_TEST(subCopy.text == sub.text);
  BOOST_TEST(subCopy.patternFingerprint == sub.patternFingerprint);
  BOOST_TEST(subCopy.atoms == sub.atoms);
  BOOST_TEST(subCopy.screenBits == sub.screenBits);
  chem::SimilarityQuerySpec sim = chem.prepareSimilarityQuery("CC(=O)Oc1ccccc1C(=O)O", "");
  chem::SimilarityQuerySpec simCopy = roundTrip(sim);
  BOOST_TEST(simCopy.canonicalSmiles == sim.canonicalSmiles);
  BOOST_TEST(simCopy.morganFingerprint == sim.morganFingerprint);
}

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
  // A reaction input cut anywhere is refused, never half-read into a plausible value.
  WireWriter reaction;
  put(reaction, test::benzanilideRoute().steps[2].reaction);
  std::string whole = reaction.data();
  for (std::size_t cut = 0; cut < whole.size(); cut += 7) {
    WireReader rr(std::string_view(whole).substr(0, cut));
    chem::ReactionInput partial;
    test::expectError(ErrorCode::Internal, [&] { get(rr, partial); });
  }
  // An optional whose presence flag is neither 0 nor 1.
  WireReader ro(bad.data());
  std::optional<double> maybe;
  test::expectError(ErrorCode::Internal, [&] { get(ro, maybe); });
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
