// ListWorkRequests, ListWorkRequestErrors and ListWorkRequestLogs over HTTP.
#include "catch_compat.hpp"

#include <set>

#include "api_support.hpp"

namespace json = boost::json;

namespace {

struct fixture : test::api_fixture {
  // A new image; answers the id of the work request of its creation.
  std::string started() { return create().header("opc-work-request-id"); }
  test::answer list_wrs(const std::string& query = "") {
    return get("/20160918/workRequests?compartmentId=" + test::compartment + query);
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "ListWorkRequests answers summaries of the compartment's work requests, newest first",
                 "[http][workrequests]") {
  auto first = started(), second = started(), third = started();
  auto r = list_wrs();
  CHECK(r.status == 200);
  REQUIRE(r.json().is_array());
  CHECK(test::ids_of(r.array()) == std::vector<std::string>{third, second, first});
  CHECK_FALSE(r.has("opc-next-page"));
  auto summary = r.array().at(0).as_object();
  CHECK(summary["operationType"] == "Create Image");
  CHECK(test::str(summary, "compartmentId") == test::compartment);
  CHECK(summary["timeAccepted"].is_string());
  CHECK(summary.contains("percentComplete"));
  CHECK(summary.contains("status"));
  CHECK_FALSE(summary.contains("resources"));  // a WorkRequestSummary has none
}

TEST_CASE_METHOD(fixture, "ListWorkRequests filters by resourceId", "[http][workrequests]") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  auto created = create();
  auto id = test::str(created.json(), "id");
  started();
  auto exported =
      post("/20160918/images/" + id + "/actions/export",
           R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"b","objectName":"o"})");
  REQUIRE(exported.status == 200);
  auto r = list_wrs("&resourceId=" + id);
  CHECK(test::ids_of(r.array()) ==
        std::vector<std::string>{exported.header("opc-work-request-id"), created.header("opc-work-request-id")});
  CHECK(list_wrs("&resourceId=ocid1.image.oc1.phx.aaaaaaaanone").array().empty());
  auto bad = list_wrs("&resourceId=image-1");
  CHECK(bad.status == 400);
  CHECK(bad.code() == "InvalidParameter");
  CHECK(bad.message().find("resourceId") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "ListWorkRequests without compartmentId is 400 MissingParameter", "[http][workrequests]") {
  auto r = get("/20160918/workRequests");
  CHECK(r.status == 400);
  CHECK(r.code() == "MissingParameter");
  CHECK(r.message().find("compartmentId") != std::string::npos);
  auto bad = get("/20160918/workRequests?compartmentId=nope");
  CHECK(bad.status == 400);
  CHECK(bad.code() == "InvalidParameter");
}

TEST_CASE("ListWorkRequests of an unknown compartment is 404 when compartments are strict", "[http][workrequests]") {
  ocifake::server fake;
  fake.add_compartment(test::compartment);
  test::client c(fake);
  auto r = test::take(c.get("/20160918/workRequests?compartmentId=ocid1.compartment.oc1..aaaaaaaaother"));
  CHECK(r.status == 404);
  CHECK(r.code() == "NotAuthorizedOrNotFound");
}

TEST_CASE_METHOD(fixture, "ListWorkRequests refuses a limit outside 1 to 1000 and pages with opc-next-page",
                 "[http][workrequests]") {
  for (auto bad : {"0", "1001", "ten", "-5"}) {
    auto r = list_wrs(std::string("&limit=") + bad);
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(r.message().find("limit") != std::string::npos);
  }
  CHECK(list_wrs("&limit=1000").status == 200);
  std::set<std::string> all;
  for (int i = 0; i < 5; ++i) all.insert(started());
  std::vector<std::string> seen;
  std::string page;
  for (int pages = 0;; ++pages) {
    REQUIRE(pages < 10);
    auto r = list_wrs("&limit=2" + (page.empty() ? std::string() : "&page=" + page));
    REQUIRE(r.status == 200);
    for (const auto& id : test::ids_of(r.array())) seen.push_back(id);
    if (!r.has("opc-next-page")) break;
    page = r.header("opc-next-page");
    started();  // newer than the cursor: not part of this walk
  }
  CHECK(std::set<std::string>(seen.begin(), seen.end()) == all);
  CHECK(seen.size() == all.size());
  auto forged = list_wrs("&page=AAAA.AAAA");
  CHECK(forged.status == 400);
  CHECK(forged.message().find("page") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "ListWorkRequests does not count as a read but shows immediate phases finished",
                 "[http][workrequests]") {
  auto polled = started();
  for (int i = 0; i < 3; ++i) CHECK(test::str(list_wrs().array().at(0), "status") == "ACCEPTED");
  CHECK(test::str(get("/20160918/workRequests/" + polled).json(), "status") == "IN_PROGRESS");
  CHECK(test::str(list_wrs().array().at(0), "status") == "IN_PROGRESS");
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  auto quick = started();
  auto top = list_wrs().array().at(0);
  CHECK(test::str(top, "id") == quick);
  CHECK(test::str(top, "status") == "SUCCEEDED");
  CHECK(top.as_object()["timeFinished"].is_string());
}

TEST_CASE_METHOD(fixture, "ListWorkRequestErrors answers the errors of a failed work request", "[http][workrequests]") {
  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::fail("not a valid QCOW2 image"));
  auto wr = post("/20160918/images", test::import_body()).header("opc-work-request-id");
  auto r = get("/20160918/workRequests/" + wr + "/errors");
  CHECK(r.status == 200);
  REQUIRE(r.array().size() == 1);
  auto e = r.array().at(0).as_object();
  CHECK(e["code"] == "ImageImportFailed");
  CHECK(e["message"] == "not a valid QCOW2 image");
  CHECK(e["timestamp"].is_string());
  CHECK(test::str(get("/20160918/workRequests/" + wr).json(), "status") == "FAILED");
  // A work request that succeeds has none.
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  CHECK(get("/20160918/workRequests/" + started() + "/errors").array().empty());
}

TEST_CASE_METHOD(fixture, "ListWorkRequestLogs answers the log in time order, or reversed with sortOrder=DESC",
                 "[http][workrequests]") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  auto wr = started();
  auto logs = get("/20160918/workRequests/" + wr + "/logs").array();
  REQUIRE(logs.size() >= 3);
  for (const auto& l : logs) {
    CHECK(l.as_object().size() == 2);
    CHECK(!test::str(l, "message").empty());
    CHECK(!test::str(l, "timestamp").empty());
  }
  CHECK(test::str(logs.front(), "message").find("accepted") != std::string::npos);
  CHECK(test::str(logs.back(), "message").find("succeeded") != std::string::npos);
  auto reversed = get("/20160918/workRequests/" + wr + "/logs?sortOrder=DESC").array();
  REQUIRE(reversed.size() == logs.size());
  for (std::size_t i = 0; i < logs.size(); ++i) CHECK(reversed[i] == logs[logs.size() - 1 - i]);
  auto bad = get("/20160918/workRequests/" + wr + "/logs?sortOrder=NEWEST");
  CHECK(bad.status == 400);
  CHECK(bad.message().find("sortOrder") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "ListWorkRequestLogs and Errors page with limit, in either order", "[http][workrequests]") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  auto wr = started();
  auto all = get("/20160918/workRequests/" + wr + "/logs").array();
  for (std::string order : {"ASC", "DESC"}) {
    INFO(order);
    json::array walked;
    std::string page;
    for (int pages = 0;; ++pages) {
      REQUIRE(pages < 10);
      auto r = get("/20160918/workRequests/" + wr + "/logs?limit=1&sortOrder=" + order +
                   (page.empty() ? "" : "&page=" + page));
      REQUIRE(r.status == 200);
      CHECK(r.array().size() == 1);
      for (const auto& v : r.array()) walked.push_back(v);
      if (!r.has("opc-next-page")) break;
      page = r.header("opc-next-page");
    }
    REQUIRE(walked.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(walked[i] == all[order == "ASC" ? i : all.size() - 1 - i]);
  }
  // A token of one order is not valid for the other, nor for another list.
  auto token = get("/20160918/workRequests/" + wr + "/logs?limit=1").header("opc-next-page");
  REQUIRE_FALSE(token.empty());
  CHECK(get("/20160918/workRequests/" + wr + "/logs?limit=1&sortOrder=DESC&page=" + token).status == 400);
  CHECK(get("/20160918/workRequests/" + wr + "/errors?limit=1&page=" + token).status == 400);
  CHECK(get("/20160918/workRequests/" + wr + "/logs?limit=1001").status == 400);
}

TEST_CASE_METHOD(fixture, "ListWorkRequestErrors and Logs of an unknown work request are 404", "[http][workrequests]") {
  for (auto leaf : {"/errors", "/logs"}) {
    auto r = get(std::string("/20160918/workRequests/ocid1.coreservicesworkrequest.oc1.phx.aaaaaaaanope") + leaf);
    CHECK(r.status == 404);
    CHECK(r.code() == "NotAuthorizedOrNotFound");
  }
}
