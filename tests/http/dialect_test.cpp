// Dialects: public OCI (the default) and Private Cloud Appliance, each accepting and answering what
// its cloud does (DESIGN "Dialects"). create_image_test.cpp covers the PCA reference in depth.
#include "catch_compat.hpp"

#include <set>

#include "support.hpp"

namespace json = boost::json;

namespace {

struct dialect_fixture {
  explicit dialect_fixture(ocifake::dialect d = ocifake::dialect::oci)
      : fake({.dialect = d, .clock = ocifake::clock_mode::manual, .seed = 11}), c(fake) {}

  ocifake::server fake;
  test::client c;
  std::string instance = fake.add_instance(
      {.compartment_id = test::compartment, .launch_mode = "NATIVE", .data_volumes = {{"data-1", 102400}}});

  // The status and the body of a CreateImage. A new image is then read until AVAILABLE, so that its
  // instance, CREATING_IMAGE meanwhile, takes the next one.
  std::pair<int, json::object> create(const std::string& body) {
    auto r = c.post("/20160918/images", body);
    REQUIRE(r);
    INFO(r->body);
    auto answer = test::json(r->body).as_object();
    if (r->status == 200)
      for (int i = 0; i < 2; ++i) c.get("/20160918/images/" + test::str(answer, "id"));
    return {r->status, answer};
  }
  std::string refusal(const std::string& body) {
    auto [status, answer] = create(body);
    CHECK(status == 400);
    CHECK(answer["code"] == "InvalidParameter");
    return test::str(answer, "message");
  }
};

struct pca_fixture : dialect_fixture {
  pca_fixture() : dialect_fixture(ocifake::dialect::pca) {}
};

}  // namespace

TEST_CASE_METHOD(dialect_fixture, "dialect oci: the public enums are accepted and echoed, ACCELERATEDPV included",
                 "[http][dialect]") {
  for (auto mode : {"NATIVE", "EMULATED", "PARAVIRTUALIZED", "ACCELERATEDPV", "CUSTOM"}) {
    auto [status, img] = create(test::create_body(instance, std::string(R"("launchMode":")") + mode + "\""));
    CHECK(status == 200);
    CHECK(img["launchMode"] == mode);
  }
  auto [status, img] = create(test::create_body(instance, R"("launchMode":"ACCELERATEDPV")"));
  // The mode's defaults: accelerated paravirtualized networking on paravirtualized volumes.
  auto& lo = img["launchOptions"].as_object();
  CHECK(lo["networkType"] == "ACCELERATEDPV");
  CHECK(lo["bootVolumeType"] == "PARAVIRTUALIZED");
  for (auto v : {"E1000", "VFIO", "PARAVIRTUALIZED", "ACCELERATEDPV"}) {
    std::tie(status, img) =
        create(test::create_body(instance, std::string(R"("launchOptions":{"networkType":")") + v + "\"}"));
    CHECK(status == 200);
    CHECK(img["launchOptions"].as_object()["networkType"] == v);
  }
}

TEST_CASE_METHOD(dialect_fixture, "dialect oci: PCA values are refused, naming the dialect that has them",
                 "[http][dialect]") {
  CHECK(refusal(test::create_body(instance, R"("launchMode":"VDPA")")) ==
        R"(launchMode: one of NATIVE, EMULATED, PARAVIRTUALIZED, ACCELERATEDPV, CUSTOM; got "VDPA"; VDPA is a )"
        R"(Private Cloud Appliance value; this server fakes public OCI (dialect oci))");
  CHECK(refusal(test::create_body(instance, R"("launchOptions":{"networkType":"VDPA"})")) ==
        R"(launchOptions.networkType: one of E1000, VFIO, PARAVIRTUALIZED, ACCELERATEDPV; got "VDPA"; VDPA is a )"
        R"(Private Cloud Appliance value; this server fakes public OCI (dialect oci))");
  CHECK(refusal(test::create_body(instance, R"("launchOptions":{"bootVolumeType":"NVME"})")) ==
        R"(launchOptions.bootVolumeType: one of ISCSI, SCSI, IDE, VFIO, PARAVIRTUALIZED; got "NVME"; NVME is a )"
        R"(Private Cloud Appliance value; this server fakes public OCI (dialect oci))");
  CHECK_THAT(refusal(test::create_body(instance, R"("launchOptions":{"remoteDataVolumeType":"NVME"})")),
             catch_compat::StartsWith("launchOptions.remoteDataVolumeType: one of ISCSI"));
  // A value neither cloud knows gets the usual refusal, with no word of the other one.
  CHECK(
      refusal(test::create_body(instance, R"("launchMode":"NATIV")")) ==
      R"(launchMode: one of NATIVE, EMULATED, PARAVIRTUALIZED, ACCELERATEDPV, CUSTOM; got "NATIV" (did you mean "NATIVE"?))");
  CHECK(fake.images().empty());
}

TEST_CASE_METHOD(dialect_fixture, "dialect oci: PCA-only fields are ignored in requests and absent from answers",
                 "[http][dialect]") {
  // Not part of public OCI's CreateImageDetails: ignored as any unknown field is, even with a wrong type.
  auto [status, img] = create(test::create_body(
      instance, R"("shouldIncludeDataVolumes":true,"launchOptions":{"isEncryptionInTransitEnabled":"yes"})"));
  CHECK(status == 200);
  CHECK(!img.contains("imageVolumeDetails"));
  CHECK(!img["launchOptions"].as_object().contains("isEncryptionInTransitEnabled"));
  std::tie(status, img) = create(test::import_body("", R"("shouldIncludeDataVolumes":true)"));
  CHECK(status == 200);
  // GetImage, ListImages and the C++ snapshot agree.
  auto id = test::str(img, "id");
  auto got = c.get("/20160918/images/" + id);
  REQUIRE(got);
  CHECK(got->body.find("imageVolumeDetails") == std::string::npos);
  CHECK(got->body.find("isEncryptionInTransitEnabled") == std::string::npos);
  auto listed = c.get("/20160918/images?compartmentId=" + test::compartment);
  REQUIRE(listed);
  CHECK(listed->body.find("imageVolumeDetails") == std::string::npos);
  CHECK(fake.find_image(id)->json.find("imageVolumeDetails") == std::string::npos);
}

TEST_CASE_METHOD(pca_fixture, "dialect pca: the reference's enums and fields, public OCI's values refused",
                 "[http][dialect]") {
  auto [status, img] = create(test::create_body(instance, R"("launchMode":"VDPA","shouldIncludeDataVolumes":true)"));
  CHECK(status == 200);
  CHECK(img["imageVolumeDetails"].as_object()["dataVolumes"].as_array().size() == 1);
  CHECK(img["launchOptions"].as_object()["networkType"] == "VDPA");
  CHECK(img["launchOptions"].as_object().contains("isEncryptionInTransitEnabled"));
  CHECK(refusal(test::create_body(instance, R"("launchMode":"ACCELERATEDPV")")) ==
        R"(launchMode: one of NATIVE, EMULATED, PARAVIRTUALIZED, VDPA, CUSTOM; got "ACCELERATEDPV"; ACCELERATEDPV )"
        R"(is a public OCI value; this server fakes Private Cloud Appliance (dialect pca))");
  CHECK_THAT(refusal(test::create_body(instance, R"("launchOptions":{"networkType":"ACCELERATEDPV"})")),
             catch_compat::StartsWith("launchOptions.networkType: one of E1000, VFIO, PARAVIRTUALIZED, VDPA;"));
  CHECK_THAT(refusal(test::create_body(instance, R"("shouldIncludeDataVolumes":"yes")")),
             catch_compat::StartsWith("shouldIncludeDataVolumes: "));
}

TEST_CASE("dialect: instances seeded from C++ and the admin API take the server's launch modes", "[http][dialect]") {
  ocifake::server oci;
  CHECK_THROWS_WITH(oci.add_instance({.compartment_id = test::compartment, .launch_mode = "VDPA"}),
                    "add_instance: launch_mode 'VDPA' is not one of NATIVE, EMULATED, PARAVIRTUALIZED, ACCELERATEDPV, "
                    "CUSTOM (VDPA is a Private Cloud Appliance value; this server fakes public OCI (dialect oci))");
  CHECK_THROWS_AS(oci.add_instance({.compartment_id = test::compartment, .launch_mode = "fast"}), ocifake::usage_error);
  CHECK_NOTHROW(oci.add_instance({.compartment_id = test::compartment, .launch_mode = "ACCELERATEDPV"}));
  ocifake::server pca({.dialect = ocifake::dialect::pca});
  CHECK_NOTHROW(pca.add_instance({.compartment_id = test::compartment, .launch_mode = "VDPA"}));
  CHECK_THROWS_AS(pca.add_instance({.compartment_id = test::compartment, .launch_mode = "ACCELERATEDPV"}),
                  ocifake::usage_error);

  test::client c(oci);
  auto r = c.post("/_ocifake/instances", R"({"compartmentId": ")" + test::compartment + R"(", "launchMode": "VDPA"})");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK_THAT(r->body, catch_compat::Contains("VDPA is a Private Cloud Appliance value"));
}

TEST_CASE("dialect: a scenario's dialect switches the server; state_json records it; reset returns to the option",
          "[http][dialect]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto pca = ocifake::scenario::parse(R"({"name": "pca", "dialect": "pca", "instances": [{"id":
      "ocid1.instance.oc1.phx.aaaaaaaavdpa", "compartmentId": ")" +
                                      test::compartment + R"(", "launchMode": "VDPA"}]})");
  CHECK(pca.dialect() == ocifake::dialect::pca);
  CHECK(ocifake::scenario::parse(R"({"name": "plain"})").dialect() == std::nullopt);
  fake.apply(pca);
  test::client c(fake);
  auto r = c.post("/20160918/images",
                  test::create_body("ocid1.instance.oc1.phx.aaaaaaaavdpa", R"("shouldIncludeDataVolumes":true)"));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(test::json(r->body).as_object().contains("imageVolumeDetails"));
  auto state = fake.state_json();
  CHECK_THAT(state, catch_compat::Contains(R"("dialect": "pca")"));

  // The state document recreates the dialect on another server.
  ocifake::server other;
  other.apply(ocifake::scenario::parse(state));
  CHECK_THAT(other.state_json(), catch_compat::Contains(R"("dialect": "pca")"));

  fake.reset();
  CHECK_THAT(fake.state_json(), catch_compat::Contains(R"("dialect": "oci")"));
  fake.add_startup_scenario(pca);
  fake.reset();
  CHECK_THAT(fake.state_json(), catch_compat::Contains(R"("dialect": "pca")"));
}

TEST_CASE("dialect: a scenario's values are checked against the dialect it is applied in", "[http][dialect]") {
  const std::string vdpa_image = R"({"name": "s", "images": [{"id": "ocid1.image.oc1.phx.aaaaaaaavdpa",
      "compartmentId": ")" + test::compartment +
                                 R"(", "launchMode": "VDPA"}]})";
  // Naming no dialect, it parses (either cloud's values), and fits a PCA server only.
  auto s = ocifake::scenario::parse(vdpa_image);
  ocifake::server oci;
  try {
    oci.apply(s);
    FAIL("applied");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.path() == "$.images[0].launchMode");
    CHECK(e.expected() == R"(one of NATIVE, EMULATED, PARAVIRTUALIZED, ACCELERATEDPV, CUSTOM; got "VDPA"; VDPA is a )"
                          R"(Private Cloud Appliance value; this server fakes public OCI (dialect oci))");
  }
  CHECK(oci.images().empty());
  ocifake::server pca({.dialect = ocifake::dialect::pca});
  CHECK_NOTHROW(pca.apply(s));

  // An instance's mode too, and a launch option; a scenario naming its dialect is checked as it is read.
  CHECK_THROWS_WITH(oci.apply(ocifake::scenario::parse(R"({"name": "s", "instances": [{"compartmentId": ")" +
                                                       test::compartment + R"(", "launchMode": "VDPA"}]})")),
                    catch_compat::Contains("$.instances[0].launchMode: one of NATIVE"));
  CHECK_THROWS_WITH(oci.apply(ocifake::scenario::parse(
                        R"({"name": "s", "images": [{"compartmentId": ")" + test::compartment +
                        R"(", "launchMode": "CUSTOM", "launchOptions": {"bootVolumeType": "NVME"}}]})")),
                    catch_compat::Contains("$.images[0].launchOptions.bootVolumeType: one of ISCSI"));
  CHECK_THROWS_WITH(ocifake::scenario::parse(R"({"name": "s", "dialect": "oci", "images": [{"compartmentId": ")" +
                                             test::compartment + R"(", "launchMode": "VDPA"}]})"),
                    catch_compat::Contains("$.images[0].launchMode: one of NATIVE, EMULATED, PARAVIRTUALIZED, "
                                           "ACCELERATEDPV, CUSTOM; got \"VDPA\""));
  CHECK_THROWS_WITH(ocifake::scenario::parse(R"({"name": "s", "dialect": "PCA"})"),
                    catch_compat::Contains(R"($.dialect: one of oci, pca; got "PCA" (did you mean "pca"?))"));
  // A scenario that switches the dialect is checked against the one it switches to.
  CHECK_NOTHROW(oci.apply(ocifake::scenario::parse(R"({"name": "s", "dialect": "pca", "images": [{"compartmentId": ")" +
                                                   test::compartment + R"(", "launchMode": "VDPA"}]})")));
}

TEST_CASE("dialect: a scenario that switches the dialect brings that cloud's default catalogue, not a replaced one",
          "[http][dialect]") {
  ocifake::server fake;
  auto names = [&] {
    std::set<std::string> os;
    for (const auto& img : fake.platform_images()) os.insert(img.operating_system);
    return os;
  };
  CHECK(names() == std::set<std::string>{"Oracle Linux", "Canonical Ubuntu", "Windows"});
  fake.apply(ocifake::scenario::parse(R"({"name": "pca", "dialect": "pca"})"));
  CHECK(names() == std::set<std::string>{"Oracle Linux"});
  fake.apply(ocifake::scenario::parse(R"({"name": "oci", "dialect": "oci"})"));
  CHECK(names().size() == 3);
  // A catalogue a scenario set stays when another switches the dialect.
  fake.apply(ocifake::scenario::parse(R"({"name": "none", "platformImages": false})"));
  fake.apply(ocifake::scenario::parse(R"({"name": "pca", "dialect": "pca"})"));
  CHECK(fake.platform_images().empty());
}
