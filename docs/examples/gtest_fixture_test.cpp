// ocifake in a GoogleTest suite: a fixture with a fresh fake per test, and an event listener that
// prints the fake's journal when a test fails. GoogleTest ends a test's fixture before it tells
// listeners the test ended, so the fixture hands its journal over in TearDown.
// Compiled and run by the build (ctest: example.gtest_fixture; example.gtest_journal_on_failure
// runs the test that fails on purpose and checks the journal it prints).
#include <iostream>
#include <vector>

#include <gtest/gtest.h>

#include <ocifake/ocifake.hpp>

#include "uploader.hpp"

// [gtest-fixture]
// The journal of the test that just ended, for the listener.
std::vector<ocifake::journal_entry> last_journal;

class OciFakeTest : public ::testing::Test {
protected:
  void TearDown() override {
    fake.stop();  // requests still in flight reach the journal
    last_journal = fake.journal();
  }

  ocifake::server fake;
};

// Prints the journal of a failed test: every request, its status, and the fault that fired.
class PrintJournalOnFailure : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (test.result()->Failed() && !last_journal.empty())
      std::cout << "ocifake journal of " << test.test_suite_name() << "." << test.name() << ":\n"
                << ocifake::to_string(last_journal);
    last_journal.clear();
  }
};

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new PrintJournalOnFailure);  // gtest owns it
  return RUN_ALL_TESTS();
}
// [gtest-fixture]

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
