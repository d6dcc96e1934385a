// scenarios/failed-import.json: the import fails because the object is not a valid QCOW2 image.
// The image's lifecycleState only says DELETED; the reason is on the work request, in
// ListWorkRequestErrors. A client that reports the reason saves someone an afternoon.
#include "catch_compat.hpp"

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

struct started_import {
  std::string image;
  std::string work_request;
};

template <class Client>
started_import start_import(Client& oci) {
  auto a = oci.post("/20160918/images", demo::import_from_object("corrupt-disk.qcow2", "imported-disk"),
                    {{"opc-retry-token", demo::new_retry_token()}});
  if (!a.ok()) throw demo::gave_up("CreateImage: " + a.describe());
  return {a.field("id"), a.header("opc-work-request-id")};
}

namespace naive {

// Waits for AVAILABLE, for up to 30 minutes; any other state means "not yet".
void wait_for_import(demo::oci_client& oci, const started_import& import, const demo::sleeper& sleep) {
  std::string state;
  for (int minute = 0; minute < 30; ++minute) {
    auto a = oci.get("/20160918/images/" + import.image);
    if (!a.ok()) throw demo::gave_up("GetImage: " + a.describe());
    state = a.field("lifecycleState");
    if (state == "AVAILABLE") return;
    sleep(1min);
  }
  throw demo::gave_up("timed out after 30 minutes waiting for image " + import.image + " to become AVAILABLE (it is " +
                      state + ")");
}

}  // namespace naive

namespace right {

// Starts the import, as start_import does. When its answer was lost and the import failed before
// the retry came, the image is deleted and the retry token with it (409 InvalidatedRetryToken); the
// work request is still there to say why: the compartment's newest Import Image.
template <class Client>
started_import start_import(Client& oci) {
  auto a = oci.post("/20160918/images", demo::import_from_object("corrupt-disk.qcow2", "imported-disk"),
                    {{"opc-retry-token", demo::new_retry_token()}});
  if (a.ok()) return {a.field("id"), a.header("opc-work-request-id")};
  if (a.status == 409 && a.field("code") == "InvalidatedRetryToken") {
    auto list = oci.get("/20160918/workRequests?compartmentId=" + demo::compartment);
    auto newest_first = list.ok() ? demo::json::parse(list.body) : demo::json::value(demo::json::array());
    if (newest_first.is_array())
      for (const auto& w : newest_first.as_array())
        if (w.at("operationType") == "Import Image") {
          std::string id(w.at("id").as_string());
          auto full = oci.get("/20160918/workRequests/" + id);  // the summary does not name the image
          auto resources = full.ok() ? demo::json::parse(full.body).at("resources") : demo::json::array();
          return {resources.as_array().empty() ? std::string("(unknown)")
                                               : std::string(resources.at(0).at("identifier").as_string()),
                  id};
        }
  }
  throw demo::gave_up("CreateImage: " + a.describe());
}

// Follows the work request; when it FAILED, asks why and says so.
template <class Client>
void wait_for_import(Client& oci, const started_import& import, const demo::sleeper& sleep) {
  for (int minute = 0; minute < 180; ++minute) {
    auto wr = oci.get("/20160918/workRequests/" + import.work_request);
    if (!wr.ok()) throw demo::gave_up("GetWorkRequest: " + wr.describe());
    auto status = wr.field("status");
    if (status == "SUCCEEDED") return;
    if (status == "FAILED") {
      std::string reasons;
      auto errors = oci.get("/20160918/workRequests/" + import.work_request + "/errors");
      if (errors.ok()) {
        auto list = demo::json::parse(errors.body);
        for (const auto& e : list.as_array())
          reasons += " " + std::string(e.at("code").as_string()) + ": " + std::string(e.at("message").as_string());
      }
      throw demo::gave_up("import of image " + import.image + " failed (work request " + import.work_request +
                          "):" + (reasons.empty() ? " no reason given" : reasons));
    }
    sleep(1min);
  }
  throw demo::gave_up("import not finished after 3 hours");
}

}  // namespace right

}  // namespace

TEST_CASE("failed-import: a client that waits for AVAILABLE times out without saying why", "[scenarios]") {
  auto fake = demo::start("failed-import");
  demo::oci_client oci(fake->endpoint());
  auto import = start_import(oci);
  auto started = fake->clock().now();

  REQUIRE_THROWS_WITH(naive::wait_for_import(oci, import, demo::fake_time(*fake)),
                      catch_compat::Contains("timed out after 30 minutes") && !catch_compat::Contains("QCOW2"));
  CHECK(fake->clock().now() - started >= 30min);
}

TEST_CASE("failed-import: a client that follows the work request reports the reason at once", "[scenarios]") {
  auto fake = demo::start("failed-import");
  demo::oci_client oci(fake->endpoint());
  auto import = right::start_import(oci);
  auto started = fake->clock().now();

  REQUIRE_THROWS_WITH(
      right::wait_for_import(oci, import, demo::fake_time(*fake)),
      catch_compat::Contains("ImageImportFailed: The object is not a valid QCOW2 image: bad magic number") &&
          catch_compat::Contains(import.work_request));
  CHECK(fake->clock().now() - started < 1min);
  CHECK(fake->find_image(import.image)->lifecycle_state == "DELETED");
  demo::check_diagram(*fake, "failed-import");
}

TEST_CASE("failed-import explored: the naive client fails with no fault at all, the right one at none",
          "[scenarios][explore]") {
  auto options = demo::exploring("failed-import");  // the failure is the scenario's lifecycle, not a fault
  // Right: the job ends at once, saying why the import failed.
  auto says_why = [](const std::function<void()>& wait) {
    try {
      wait();
    } catch (const demo::gave_up& e) {
      if (std::string(e.what()).find("bad magic number") != std::string::npos) return;
      throw;
    }
    throw std::runtime_error("the failed import was not reported");
  };

  auto naive_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    auto import = start_import(oci);
    says_why([&] { naive::wait_for_import(oci, import, demo::fake_time(fake)); });
  });
  INFO(naive_runs);
  CHECK_FALSE(naive_runs.reference.passed);  // the report says so: nothing could be explored
  CHECK(naive_runs.runs.empty());
  CHECK_THAT(naive_runs.to_string(), catch_compat::Contains("timed out after 30 minutes"));

  auto right_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    auto import = right::start_import(oci);
    says_why([&] { right::wait_for_import(oci, import, demo::fake_time(fake)); });
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
  CHECK_FALSE(right_runs.runs.empty());
}
