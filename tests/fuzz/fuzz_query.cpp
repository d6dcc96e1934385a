// Request targets and page tokens: percent-decoding (detail::percent_decode), routing
// (detail::route), and ListImages over a store of a dozen images and the catalogue of platform
// images with the query the input gives, including page tokens: forged ones, and cursors of the
// fuzzer's choosing sealed as the server seals its own, so that what lies behind the seal is
// exercised too.
//
// Input: one control byte, the target ("/20160918/images?compartmentId=...&limit=2"), and after a
// newline, when bit 0 of the control byte is set, a cursor to seal into a page token.
//
// Checked: every answer is an OCI status with an OCI body; a ListImages answer is an array of
// distinct images; following opc-next-page from any page never shows an image twice. Query values
// are form-decoded ('+' a space, %2B a plus, %20 a space): decoding a '+' is decoding %20, and
// every decoded value comes back unchanged from each SDK's encoding of it (a space as '+' or as
// %20, everything else but letters and digits escaped, or only what fetch escapes).
#include <set>

#include "api/paging.hpp"
#include "fuzz_support.hpp"
#include "http/router.hpp"
#include "model/fields.hpp"

namespace {

using namespace ocifake;

std::string hex_escape(unsigned char c) {
  static const char digits[] = "0123456789ABCDEF";
  return {'%', digits[c >> 4], digits[c & 15]};
}

// A value as the SDKs write it: `space` for a space, letters and digits (and `keep`) as they are,
// every other byte escaped; with `minimal`, only what fetch's URL parser escapes (the TypeScript SDK).
std::string encode(std::string_view v, const char* space, std::string_view keep, bool minimal = false) {
  std::string out;
  for (unsigned char c : v) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 keep.find(static_cast<char>(c)) != std::string_view::npos;
    if (minimal)
      plain = c > 0x20 && c < 0x7f && c != '"' && c != '#' && c != '<' && c != '>' && c != '\'' && c != '%' &&
              c != '&' && c != '+' && c != '=';
    if (c == ' ')
      out += space;
    else if (plain)
      out += static_cast<char>(c);
    else
      out += hex_escape(c);
  }
  return out;
}

// Form decoding of `raw` is plain percent-decoding with each '+' written as %20.
void check_form_decoding(std::string_view raw) {
  std::string spelled;
  for (char c : raw) spelled += c == '+' ? std::string("%20") : std::string(1, c);
  bool ok_form = true, ok_plain = true;
  auto form = detail::percent_decode(raw, ok_form, true);
  auto plain = detail::percent_decode(spelled, ok_plain);
  OCIFAKE_FUZZ_CHECK(form == plain && ok_form == ok_plain, std::string(raw));
}

// Each decoded value survives each SDK's encoding: Go, Python (space '+'), Java (space %20) and
// the TypeScript SDK (only what fetch escapes, here with '+', '&', '=' and '%' escaped too, as a
// value holding them must be for its query to mean anything).
void check_round_trips(const std::multimap<std::string, std::string>& query) {
  for (const auto& [key, value] : query) {
    for (const auto& spelled :
         {encode(value, "+", "-_.~"), encode(value, "%20", "-_."), encode(value, "%20", "", true)}) {
      std::multimap<std::string, std::string> again;
      std::string bad_key;
      OCIFAKE_FUZZ_CHECK(detail::parse_query("k=" + spelled, again, bad_key), spelled);
      OCIFAKE_FUZZ_CHECK(again.size() == 1 && again.begin()->second == value, key + "=" + spelled);
    }
  }
}

struct world {
  std::unique_ptr<detail::core> core = ocifake_fuzz::make_core(3);
  std::size_t images = 0;
  world() {
    ocifake_fuzz::seed_store(*core, 12, true);
    std::vector<std::string> ids;
    for (const auto* img : core->store.lock()->images_in_order()) ids.push_back(img->id);
    // The catalogue of platform images is listed too: walks cross from platform to custom images.
    images = ids.size() + core->store.lock()->platform_images_in_order().size();
    for (std::size_t i = 1; i < ids.size(); i += 4) {
      auto del = ocifake_fuzz::request("DeleteImage", "DELETE", "/20160918/images/" + ids[i]);
      del.params.push_back(ids[i]);
      OCIFAKE_FUZZ_CHECK(ocifake_fuzz::run(*core, del).status == 204, ids[i]);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static world w;
  if (size < 1) return 0;
  const std::uint8_t control = data[0];
  auto input = ocifake_fuzz::text(data + 1, size - 1);
  std::string_view cursor;
  if (control & 1) {
    auto nl = input.find('\n');
    if (nl != std::string_view::npos) {
      cursor = input.substr(nl + 1);
      input = input.substr(0, nl);
    }
  }

  // Decoding never grows the text, and text without '%' comes back as it was.
  bool ok = true;
  auto decoded = detail::percent_decode(input, ok);
  OCIFAKE_FUZZ_CHECK(decoded.size() <= input.size(), std::string(input));
  if (input.find('%') == std::string_view::npos) OCIFAKE_FUZZ_CHECK(ok && decoded == input, std::string(input));

  auto raw_path = input.substr(0, input.find('?'));
  auto raw_query = input.find('?') == std::string_view::npos ? std::string_view() : input.substr(input.find('?') + 1);
  static const char* const methods[] = {"GET", "POST", "PUT", "DELETE"};
  auto route = detail::route(methods[(control >> 1) & 3], raw_path);
  for (const auto& p : route.params) OCIFAKE_FUZZ_CHECK(!p.empty(), std::string(raw_path));

  check_form_decoding(input);
  auto req = ocifake_fuzz::request("ListImages", "GET", "/20160918/images");
  if (std::string bad_key; !detail::parse_query(raw_query, req.query, bad_key)) return 0;  // 400 in the server
  check_round_trips(req.query);
  if (control & 1) {
    auto scope = "ListImages\n" + req.query_value("compartmentId").value_or(ocifake_fuzz::compartment);
    req.query.erase("page");
    req.query.emplace("page", detail::page_token(*w.core->store.lock(), scope, cursor));
  }

  std::set<std::string> seen;
  for (int page = 0; page < 20; ++page) {
    auto r = ocifake_fuzz::run(*w.core, req);
    ocifake_fuzz::check_answer(r, input);
    if (r.status != 200) {
      OCIFAKE_FUZZ_CHECK(page == 0, "a page the list gave was refused: " + r.body);
      return 0;
    }
    auto parsed = boost::json::parse(r.body);
    auto* items = parsed.if_array();
    OCIFAKE_FUZZ_CHECK(items, r.body);
    for (const auto& item : *items) {
      auto id = std::string(item.at("id").as_string());
      OCIFAKE_FUZZ_CHECK(seen.insert(id).second, "image " + id + " listed twice in one walk");
    }
    auto next = r.header("opc-next-page");
    if (!next) break;
    OCIFAKE_FUZZ_CHECK(!items->empty(), "an empty page with a next page");
    req.query.erase("page");
    req.query.emplace("page", *next);
  }
  OCIFAKE_FUZZ_CHECK(seen.size() <= w.images, "more images listed than exist");
  return 0;
}
