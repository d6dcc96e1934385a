// The request bodies: CreateImage, UpdateImage, ExportImage, ChangeImageCompartment,
// AddImageShapeCompatibilityEntry, CreateComputeImageCapabilitySchema,
// UpdateComputeImageCapabilitySchema and ChangeComputeImageCapabilitySchemaCompartment, and
// InstanceAction's optional one, parsed and validated by the api layer (no HTTP).
//
// Input: one control byte, then the body. The control byte picks the operation (bits 0-2) and
// whether the request carries an opc-retry-token (bit 3), the etag of the image (or capability
// schema, or instance) it names as if-match (bit 4) or a stale if-match (bit 5). With bit 6 the
// request is InstanceAction on the seeded instance instead, bits 0-2 picking its action (STOP,
// START, SOFTSTOP, RESET, SOFTRESET, then again). "IMAGE_ID" in the body stands for the seeded
// image's OCID, so that a capability schema can name an image that exists.
//
// Checked: every answer is an OCI status with an OCI body; a refused request changes nothing; a
// request sent again with the same retry token gets the first answer back.
#include "api/render.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace ocifake;
using ocifake_fuzz::check_answer;

std::string snapshot(detail::core& c) {
  std::string out;
  auto r = c.store.lock();
  for (const auto* img : r->images_in_order())
    out += boost::json::serialize(detail::image_json(*img, detail::rules_of(r->dialect()))) + img->etag + "\n";
  for (const auto* cs : r->capability_schemas().in_order())
    out += cs->id + cs->compartment_id + cs->display_name + boost::json::serialize(cs->schema_data) +
           boost::json::serialize(cs->freeform_tags) + boost::json::serialize(cs->defined_tags) + cs->etag +
           detail::to_string(cs->state) + "\n";
  for (const auto* inst : r->instances_in_order())
    out +=
        inst->id + detail::to_string(inst->state()) + inst->etag + (inst->running ? inst->running->action : "") + "\n";
  for (const auto* wr : r->work_requests_in_order())
    out += boost::json::serialize(detail::work_request_json(*wr)) + "\n";
  out += std::to_string(c.retries.lock()->size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t control = data[0];
  const std::string body(ocifake_fuzz::text(data + 1, size - 1));

  auto core = ocifake_fuzz::make_core(7);
  auto& s = *core;
  ocifake_fuzz::seed_store(s, 1);
  const detail::image_record image = *s.store.lock()->images_in_order().front();
  const std::string image_id = image.id;
  const std::string image_path = "/20160918/images/" + image_id;
  auto create_schema =
      ocifake_fuzz::request("CreateComputeImageCapabilitySchema", "POST", "/20160918/computeImageCapabilitySchemas");
  create_schema.body = R"({"compartmentId":")" + ocifake_fuzz::compartment + R"(","imageId":")" + image_id +
                       R"(","computeGlobalImageCapabilitySchemaVersionName":"2023-11-07","schemaData":{}})";
  auto made = ocifake_fuzz::run(s, create_schema);
  OCIFAKE_FUZZ_CHECK(made.status == 200, made.body);
  const std::string schema_id = made.resource_id;
  const std::string schema_etag = s.store.lock()->capability_schemas().find(schema_id)->etag;
  const std::string schema_path = "/20160918/computeImageCapabilitySchemas/" + schema_id;
  std::string body_text = body;
  for (auto at = body_text.find("IMAGE_ID"); at != std::string::npos; at = body_text.find("IMAGE_ID", at))
    body_text.replace(at, 8, image_id);

  detail::api_request req;
  switch (control & 7) {
    case 1: req = ocifake_fuzz::request("UpdateImage", "PUT", image_path); break;
    case 2: req = ocifake_fuzz::request("ExportImage", "POST", image_path + "/actions/export"); break;
    case 3:
      req = ocifake_fuzz::request("ChangeImageCompartment", "POST", image_path + "/actions/changeCompartment");
      break;
    case 4:
      req = ocifake_fuzz::request("AddImageShapeCompatibilityEntry", "PUT", image_path + "/shapes/VM.Standard.E4.Flex");
      req.params.push_back("VM.Standard.E4.Flex");
      break;
    case 5:
      req = ocifake_fuzz::request("CreateComputeImageCapabilitySchema", "POST",
                                  "/20160918/computeImageCapabilitySchemas");
      break;
    case 6: req = ocifake_fuzz::request("UpdateComputeImageCapabilitySchema", "PUT", schema_path); break;
    case 7:
      req = ocifake_fuzz::request("ChangeComputeImageCapabilitySchemaCompartment", "POST",
                                  schema_path + "/actions/changeCompartment");
      break;
    default: req = ocifake_fuzz::request("CreateImage", "POST", "/20160918/images"); break;
  }
  const bool on_instance = (control & 64) != 0;
  const bool on_schema = !on_instance && (control & 7) >= 6;
  if (on_instance) {
    static constexpr const char* actions[] = {"STOP", "START", "SOFTSTOP", "RESET", "SOFTRESET"};
    req = ocifake_fuzz::request("InstanceAction", "POST", "/20160918/instances/" + ocifake_fuzz::instance_id);
    req.params.push_back(ocifake_fuzz::instance_id);
    req.query.emplace("action", actions[(control & 7) % 5]);
  } else if (on_schema) {
    req.params.insert(req.params.begin(), schema_id);
  } else if (req.operation != "CreateImage" && req.operation != "CreateComputeImageCapabilitySchema") {
    req.params.insert(req.params.begin(), image_id);
  }
  req.body = body_text;
  if (control & 8) req.headers.emplace("opc-retry-token", "fuzz-token");
  if (control & 16)
    req.headers.emplace("if-match", on_instance ? s.store.lock()->find_instance(ocifake_fuzz::instance_id)->etag
                                    : on_schema ? schema_etag
                                                : image.etag);
  if (control & 32) req.headers.emplace("if-match", "0000");

  const std::string before = snapshot(s);
  auto first = ocifake_fuzz::run(s, req);
  check_answer(first, body_text);
  if (first.status >= 400) OCIFAKE_FUZZ_CHECK(snapshot(s) == before, "a refused request changed the state: " + body);

  if (req.header("opc-retry-token") && detail::find_operation(req.operation)->retry_token) {
    const std::string middle = snapshot(s);
    auto again = ocifake_fuzz::run(s, req);
    check_answer(again, body_text);
    OCIFAKE_FUZZ_CHECK(snapshot(s) == middle, "a retried request changed the state again: " + body);
    if (first.status < 300) {
      OCIFAKE_FUZZ_CHECK(again.replayed && again.status == first.status && again.body == first.body,
                         "the retry was not answered with the first answer: " + body +
                             "\n  first: " + std::to_string(first.status) + " " + first.body +
                             "\n  again: " + std::to_string(again.status) + " " + again.body);
    }
  }
  return 0;
}
