// ocifake in a GoogleTest suite: ocifake/gtest.hpp's fixture, a fresh fake per test, and its
// listener, which prints the fake's journal when a test fails. No main() here: the program links
// GTest::gtest_main. Compiled and run by the build (ctest: example.gtest_fixture;
// example.gtest_journal_on_failure runs the test that fails on purpose and checks the journal it
// prints, in the console, in the XML report and in OCIFAKE_JOURNAL_DIR).
#include <stdexcept>
#include <string>

// [gtest-fixture]
#include <ocifake/gtest.hpp>
#include <ocifake/ocifake.hpp>

using OciFakeTest = ocifake::gtest::fixture;  // a fresh server per test, reached as `fake`
// [gtest-fixture]

#include "uploader.hpp"

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaaexample";

// [gtest-test]
TEST_F(OciFakeTest, UploaderRetriesALostCreateImageWithItsRetryToken) {
  auto instance = fake.add_instance({.compartment_id = compartment, .display_name = "build-vm"});
  fake.faults().add(ocifake::fault::on("CreateImage").times(1).after_commit().reset_connection());

  auto image = example::upload_image(fake.endpoint(), compartment, instance, "upload-1");

  ASSERT_EQ(fake.images().size(), 1u);  // the retry was replayed, not applied twice
  EXPECT_EQ(fake.images()[0].id, image);
}
// [gtest-test]

// Fails on purpose (disabled, so the normal run skips it): shows what a red test prints.
TEST_F(OciFakeTest, DISABLED_FailsOnPurposeToShowTheJournal) {
  auto instance = fake.add_instance({.compartment_id = compartment});
  fake.faults().add(ocifake::fault::on("CreateImage").id("lost-answer").times(1).after_commit().reset_connection());
  example::upload_image(fake.endpoint(), compartment, instance, "upload-2");
  EXPECT_EQ(fake.images().size(), 2u) << "wrong on purpose: the retry was replayed";
}

// [gtest-scenario]
class LostAnswerTest : public ocifake::gtest::fixture {
protected:
  LostAnswerTest() : fixture(ocifake::bundled_scenario("lost-create-response")) {}
};

TEST_F(LostAnswerTest, StartsFromTheBundledScenario) {
  ASSERT_EQ(fake.faults().list().size(), 1u);
  EXPECT_EQ(fake.faults().list()[0].rule.operations(), std::vector<std::string>{"CreateImage"});
}
// [gtest-scenario]

// [gtest-explore]
// Every (request, fault) pair of the uploader, each run on a fresh server: a failure per failing pair.
void upload_golden_image(ocifake::server& fake) {
  auto instance = fake.add_instance({.compartment_id = compartment});
  example::upload_image(fake.endpoint(), compartment, instance, "upload-1");
  if (fake.images().size() != 1)
    throw std::runtime_error("expected one image, found " + std::to_string(fake.images().size()));
}

TEST(Exploration, UploaderSurvivesResetAndLostAnswers) {
  ocifake::gtest::explore_each({.faults = {ocifake::fault_kind::reset, ocifake::fault_kind::lost}},
                               upload_golden_image);
}
// [gtest-explore]

// Fails on purpose (disabled): the uploader gives up on an error answer, and each such pair is a failure.
TEST(Exploration, DISABLED_FailsOnPurposeOnErrorAnswers) { ocifake::gtest::explore_each({}, upload_golden_image); }
