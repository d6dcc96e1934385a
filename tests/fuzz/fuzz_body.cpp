// The request bodies: CreateImage, UpdateImage, ExportImage, ChangeImageCompartment and
// AddImageShapeCompatibilityEntry, parsed and validated by the api layer (no HTTP).
//
// Input: one control byte, then the body. The control byte picks the operation (bits 0-2) and
// whether the request carries an opc-retry-token (bit 3), the image's etag as if-match (bit 4) or
// a stale if-match (bit 5).
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
    out += boost::json::serialize(detail::image_json(*img)) + img->etag + "\n";
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
    default: req = ocifake_fuzz::request("CreateImage", "POST", "/20160918/images"); break;
  }
  if (req.operation != "CreateImage") req.params.insert(req.params.begin(), image_id);
  req.body = body;
  if (control & 8) req.headers.emplace("opc-retry-token", "fuzz-token");
  if (control & 16) req.headers.emplace("if-match", image.etag);
  if (control & 32) req.headers.emplace("if-match", "0000");

  const std::string before = snapshot(s);
  auto first = ocifake_fuzz::run(s, req);
  check_answer(first, body);
  if (first.status >= 400) OCIFAKE_FUZZ_CHECK(snapshot(s) == before, "a refused request changed the state: " + body);

  if (req.header("opc-retry-token") && detail::find_operation(req.operation)->retry_token) {
    const std::string middle = snapshot(s);
    auto again = ocifake_fuzz::run(s, req);
    check_answer(again, body);
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
