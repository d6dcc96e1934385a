// The requests the public OCI SDKs send, as they send them: a CreateImage, a ListImages with filters
// and a paged ListImages, for the Go SDK (and Terraform, built on it), the Python SDK (and the OCI
// CLI, built on it), the Java SDK and the TypeScript SDK. Each request is written byte for byte on a
// raw socket to a server that verifies signatures, so that what is checked is the SDK's query
// encoding, key order, header spellings, signed header list, date header and authorization
// parameter order, not a client library's. docs/clients.md has the table and the SDK source files
// each profile below follows.
#include "catch_compat.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/raw_http.hpp"
#include "signing.hpp"
#include "support.hpp"

namespace json = boost::json;

namespace {

using query = std::vector<std::pair<std::string, std::string>>;
using headers = std::vector<std::pair<std::string, std::string>>;

std::string percent(unsigned char c) {
  char out[8];
  std::snprintf(out, sizeof out, "%%%02X", c);
  return out;
}

bool alnum(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Go's url.QueryEscape (what url.Values.Encode writes): letters, digits and -_.~ as they are, a
// space as '+', every other byte %XX. Python's urllib.parse.quote_plus (what requests writes for
// `params`) keeps the same set and also writes a space as '+'.
std::string form_escape(std::string_view v) {
  std::string out;
  for (unsigned char c : v) {
    if (alnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else if (c == ' ')
      out += '+';
    else
      out += percent(c);
  }
  return out;
}

// The Java SDK's ParamEncoder.encodeQueryParam: letters, digits and -._ as they are, every other
// byte %XX, a space included (%20); Jersey then leaves the %XX sequences alone.
std::string java_escape(std::string_view v) {
  std::string out;
  for (unsigned char c : v) {
    if (alnum(c) || c == '-' || c == '_' || c == '.')
      out += static_cast<char>(c);
    else
      out += percent(c);
  }
  return out;
}

// The TypeScript SDK joins `key=value` unescaped; fetch's URL parser then escapes what the WHATWG
// query percent-encode set holds for http(s) URLs: controls, space, ", #, <, >, ' and non-ASCII
// bytes. '+', '/', '=' and '&' go out raw.
std::string ts_escape(std::string_view v) {
  std::string out;
  for (unsigned char c : v) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '\'')
      out += percent(c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

// One SDK as it appears on the wire.
struct sdk_profile {
  std::string name;
  std::string (*escape)(std::string_view);
  bool sorted_keys;                  // Go's url.Values.Encode sorts the keys; the others keep call order
  std::string date_header;           // the date header it signs: "date" or "x-date"
  std::vector<std::string> signed_;  // its headers= list for GET and DELETE, spelled as it spells them
  std::vector<std::string> body_;    // what it adds for POST and PUT
  std::string authorization;         // the Authorization value, with {headers} {keyId} {signature}
  headers common;                    // every request's other headers, in the SDK's spelling
  headers create;                    // CreateImage's own (retry token)
  std::string (*create_body)(const std::string& instance, const std::string& name);
};

std::string compact_body(const std::string& instance, const std::string& name) {
  return R"({"compartmentId":")" + test::compartment + R"(","displayName":")" + name + R"(","instanceId":")" +
         instance + R"(","freeformTags":{"env":"test"},"launchMode":"PARAVIRTUALIZED"})";
}
// encoding/json writes struct fields in declaration order, which is alphabetical in the SDK's models.
std::string go_body(const std::string& instance, const std::string& name) {
  return R"({"compartmentId":")" + test::compartment + R"(","displayName":")" + name +
         R"(","freeformTags":{"env":"test"},"instanceId":")" + instance + R"(","launchMode":"PARAVIRTUALIZED"})";
}
// json.dumps with its default separators: ", " and ": ".
std::string python_body(const std::string& instance, const std::string& name) {
  return R"({"compartmentId": ")" + test::compartment + R"(", "displayName": ")" + name +
         R"(", "freeformTags": {"env": "test"}, "instanceId": ")" + instance + R"(", "launchMode": "PARAVIRTUALIZED"})";
}

const std::vector<sdk_profile>& profiles() {
  static const std::vector<sdk_profile> all = {
      {"Go (and Terraform)",
       form_escape,
       true,
       "date",
       {"date", "(request-target)", "host"},
       {"content-length", "content-type", "x-content-sha256"},
       R"(Signature version="1",headers="{headers}",keyId="{keyId}",algorithm="rsa-sha256",signature="{signature}")",
       {{"User-Agent", "Oracle-GoSDK/65.81.1 (linux/amd64; go/go1.22.5)"},
        {"Accept", "*/*"},
        {"Content-Type", "application/json"},
        {"Opc-Client-Info", "Oracle-GoSDK/65.81.1"},
        {"Accept-Encoding", "gzip"}},
       {{"Opc-Retry-Token", "Qk3xZ0aB9cD8eF7gH6iJ5kL4mN3oP2"}},
       go_body},
      {"Python (and the OCI CLI)",
       form_escape,
       false,
       "date",
       {"date", "(request-target)", "host"},
       {"content-length", "content-type", "x-content-sha256"},
       R"(Signature algorithm="rsa-sha256",headers="{headers}",keyId="{keyId}",signature="{signature}",version="1")",
       {{"user-agent", "Oracle-PythonSDK/2.182.1 (python 3.11.2; x86_64-Linux)"},
        {"Accept-Encoding", "gzip, deflate"},
        {"accept", "application/json"},
        {"Connection", "keep-alive"},
        {"content-type", "application/json"},
        {"opc-client-info", "Oracle-PythonSDK/2.182.1"},
        {"opc-request-id", "5F0C8E3A9B1D4C7E8F2A6B4D0C9E1F3A"},
        {"opc-client-retries", "true"}},
       {{"opc-retry-token", "aZ9bY8cX7dW6eV5fU4gT3hS2iR1jQ0"}},
       python_body},
      {"Java",
       java_escape,
       false,
       "date",
       {"date", "(request-target)", "host"},
       {"content-length", "content-type", "x-content-sha256"},
       R"(Signature headers="{headers}",keyId="{keyId}",algorithm="rsa-sha256",signature="{signature}",version="1")",
       {{"Accept", "application/json"},
        {"opc-request-id", "8C2B6D0E4F1A3C5E7A9B1D3F5A7C9E1B"},
        {"opc-client-info", "Oracle-JavaSDK/3.57.1"},
        {"User-Agent", "Oracle-JavaSDK/3.57.1 (Linux/6.1.0; Java/17.0.13; OpenJDK 64-Bit Server VM/17.0.13+11)"},
        {"opc-client-retries", "true"},
        {"Connection", "Keep-Alive"}},
       {{"opc-retry-token", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}},
       compact_body},
      {"TypeScript",
       ts_escape,
       false,
       "x-date",
       {"x-date", "(request-target)", "host"},
       {"Content-Type", "Content-Length", "x-content-sha256"},
       R"(Signature version="1",keyId="{keyId}",algorithm="rsa-sha256",headers="{headers}",signature="{signature}")",
       {{"Content-Type", "application/json"},
        {"opc-request-id", "F581B510E9EF-11F1-9FAF-BDBDED6912FD"},
        {"User-Agent", "Oracle-TypeScriptSDK/2.139.1 (linux/6.1.0; Node/v20.20.2)"},
        {"opc-client-retries", "true"}},
       {{"opc-retry-token", "f5818e00-e9ef-11f1-9faf-bdbded6912fd"}},
       compact_body},
  };
  return all;
}

std::string replace(std::string text, const std::string& what, const std::string& with) {
  auto at = text.find(what);
  if (at != std::string::npos) text.replace(at, what.size(), with);
  return text;
}

// The query string the SDK writes for these parameters.
std::string query_string(const sdk_profile& sdk, query params) {
  if (sdk.sorted_keys)
    std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [key, value] : params) out += (out.empty() ? "" : "&") + key + "=" + sdk.escape(value);
  return out;
}

struct reply {
  int status = 0;
  std::string head, body;

  std::string header(std::string name) const {
    name = test::signing::lowercase("\r\n" + name + ":");
    auto lower = test::signing::lowercase(head);
    auto at = lower.find(name);
    if (at == std::string::npos) return {};
    auto start = head.find_first_not_of(' ', at + name.size());
    return head.substr(start, head.find("\r\n", start) - start);
  }
  json::value json() const { return test::json(body); }
};

// Writes `method target` as `sdk` writes it, signed as it signs, and reads the answer.
reply send(const ocifake::server& fake, const sdk_profile& sdk, const std::string& method, const std::string& target,
           const std::string& body = {}, const headers& own = {}) {
  using namespace test::signing;
  const bool has_body = method == "POST" || method == "PUT";
  std::map<std::string, std::string> value;  // by lowercase name, for the signing string
  headers wire = {{"Host", "127.0.0.1:" + std::to_string(fake.port())}};
  for (const auto& h : sdk.common) wire.push_back(h);
  for (const auto& h : own) wire.push_back(h);
  wire.emplace_back(sdk.date_header, http_date(std::chrono::system_clock::now()));
  if (has_body) {
    wire.emplace_back("Content-Length", std::to_string(body.size()));
    wire.emplace_back("x-content-sha256", ocifake::detail::content_sha256(body));
  }
  for (const auto& [name, v] : wire) value.emplace(lowercase(name), v);
  if (has_body && !value.count("content-type")) {
    wire.emplace_back("Content-Type", "application/json");
    value.emplace("content-type", "application/json");
  }

  auto names = sdk.signed_;
  if (has_body) names.insert(names.end(), sdk.body_.begin(), sdk.body_.end());
  std::string signing_string, list;
  for (const auto& n : names) {
    const auto name = lowercase(n);
    signing_string += (signing_string.empty() ? "" : "\n") + name + ": " +
                      (name == "(request-target)" ? lowercase(method) + " " + target : value.at(name));
    list += (list.empty() ? "" : " ") + n;
  }
  auto authorization = replace(sdk.authorization, "{headers}", list);
  authorization = replace(authorization, "{keyId}", sdk_key_id);
  authorization = replace(authorization, "{signature}", base64(rsa_sha256_sign(key_a().pkey.get(), signing_string)));
  wire.emplace_back("Authorization", authorization);

  std::string request = method + " " + target + " HTTP/1.1\r\n";
  for (const auto& [name, v] : wire) request += name + ": " + v + "\r\n";
  request += "\r\n" + body;
  auto a = test::raw::exchange(fake.port(), request);
  reply out{a.status, a.head, a.body};
  // The Go and Python clients ask for gzip and unpack it; so does this reader (with cpp-httplib's).
  if (test::signing::lowercase(out.header("Content-Encoding")) == "gzip") {
    httplib::detail::gzip_decompressor gunzip;
    std::string plain;
    bool ok = gunzip.decompress(a.body.data(), a.body.size(), [&](const char* data, std::size_t n) {
      plain.append(data, n);
      return true;
    });
    REQUIRE(ok);
    out.body = std::move(plain);
  }
  return out;
}

std::vector<std::string> ids_of(const json::value& list) {
  std::vector<std::string> out;
  if (const auto* a = list.if_array())
    for (const auto& v : *a) out.push_back(test::str(v, "id"));
  return out;
}

struct wire_fixture {
  // Without the platform catalogue: the walks below count the compartment's own images.
  ocifake::server fake{{.platform_images = false,
                        .seed = 17,
                        .verify_signatures = true,
                        .public_keys = {{test::signing::sdk_key_id, test::signing::key_a().public_pem}}}};
  std::string oracle_linux = fake.add_instance({.compartment_id = test::compartment});
  std::string ubuntu = fake.add_instance({.compartment_id = test::compartment,
                                          .operating_system = "Canonical Ubuntu",
                                          .operating_system_version = "22.04"});

  int creates = 0;

  // CreateImage as `sdk` sends it, with a retry token of its own in the SDK's form; answers the new
  // image's id.
  std::string create(const sdk_profile& sdk, const std::string& instance, const std::string& name) {
    auto own = sdk.create;
    auto n = std::to_string(++creates);
    for (auto& [header, token] : own) token.replace(token.size() - n.size(), n.size(), n);
    auto r = send(fake, sdk, "POST", "/20160918/images", sdk.create_body(instance, name), own);
    INFO(r.head << "\n" << r.body);
    REQUIRE(r.status == 200);
    CHECK(test::str(r.json(), "displayName") == name);
    // Read until AVAILABLE: the instance is CREATING_IMAGE until then, and refuses the next image.
    auto id = test::str(r.json(), "id");
    for (int i = 0; i < 2; ++i) send(fake, sdk, "GET", "/20160918/images/" + id);
    return id;
  }
  reply list(const sdk_profile& sdk, const query& params) {
    return send(fake, sdk, "GET", "/20160918/images?" + query_string(sdk, params));
  }
};

}  // namespace

TEST_CASE_METHOD(wire_fixture, "SDK wire: each SDK's CreateImage and ListImages verify and answer right",
                 "[http][wire][signature]") {
  for (const auto& sdk : profiles()) {
    DYNAMIC_SECTION(sdk.name) {
      // Three Oracle Linux images called "golden image", one "golden+image", and an Ubuntu one.
      std::vector<std::string> golden;
      for (int i = 0; i < 3; ++i) golden.push_back(create(sdk, oracle_linux, "golden image"));
      auto plus = create(sdk, oracle_linux, "golden+image");
      auto other = create(sdk, ubuntu, "golden image");
      const std::set<std::string> all{golden[0], golden[1], golden[2], plus, other};

      // The filters: a display name and an operating system with a space, a sort and a page size.
      // In the generated clients' order: compartmentId, displayName, operatingSystem, limit, page,
      // sortBy, sortOrder (Go sorts them).
      const query filters{{"compartmentId", test::compartment},
                          {"displayName", "golden image"},
                          {"operatingSystem", "Oracle Linux"},
                          {"limit", "2"},
                          {"sortBy", "TIMECREATED"},
                          {"sortOrder", "ASC"}};
      auto first = list(sdk, filters);
      INFO(first.head << "\n" << first.body);
      REQUIRE(first.status == 200);
      CHECK(ids_of(first.json()) == std::vector<std::string>{golden[0], golden[1]});
      const auto token = first.header("opc-next-page");
      REQUIRE(!token.empty());

      // The next page: the token echoed back with the SDK's own encoding, in its own key order.
      auto next_query = filters;
      next_query.insert(next_query.begin() + 4, {"page", token});
      auto second = list(sdk, next_query);
      INFO(second.head << "\n" << second.body);
      REQUIRE(second.status == 200);
      CHECK(ids_of(second.json()) == std::vector<std::string>{golden[2]});
      CHECK(second.header("opc-next-page").empty());

      // A '+' in a value: Go, Python and Java send %2B, which is a plus. The TypeScript SDK sends
      // it raw, and a form-decoded '+' is a space: it finds the "golden image" ones instead, as it
      // would against the service.
      auto plus_list = list(sdk, {{"compartmentId", test::compartment}, {"displayName", "golden+image"}});
      REQUIRE(plus_list.status == 200);
      if (sdk.escape == ts_escape)
        CHECK(ids_of(plus_list.json()).size() == 4);
      else
        CHECK(ids_of(plus_list.json()) == std::vector<std::string>{plus});

      // A paged walk without filters meets every image exactly once.
      std::multiset<std::string> seen;
      std::string page;
      for (int pages = 0; pages < 10; ++pages) {
        query q{{"compartmentId", test::compartment}, {"limit", "2"}};
        if (!page.empty()) q.emplace_back("page", page);
        auto r = list(sdk, q);
        INFO(r.head << "\n" << r.body);
        REQUIRE(r.status == 200);
        for (const auto& id : ids_of(r.json())) seen.insert(id);
        page = r.header("opc-next-page");
        if (page.empty()) break;
      }
      CHECK(seen == std::multiset<std::string>(all.begin(), all.end()));

      // Not one request was refused: every signature verified.
      for (const auto& e : fake.journal()) {
        INFO(e.operation << " " << e.path);
        CHECK(e.status == 200);
      }
    }
  }
}

TEST_CASE_METHOD(wire_fixture, "SDK wire: page tokens survive every SDK's encoding, escaped characters included",
                 "[http][wire][paging]") {
  const auto& ts = profiles().back();
  for (int i = 0; i < 5; ++i) create(ts, oracle_linux, "image " + std::to_string(i));
  auto r = list(ts, {{"compartmentId", test::compartment}, {"limit", "1"}});
  REQUIRE(r.status == 200);
  const auto token = r.header("opc-next-page");
  REQUIRE(!token.empty());

  // A token holds only characters no SDK escapes and no form decoding changes (no '+', '%', '&').
  for (const auto& sdk : profiles()) {
    INFO(sdk.name);
    CHECK(sdk.escape(token) == token);
  }
  CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") ==
        std::string::npos);

  // Sent with every character escaped, as a client that escapes more than it must would: the same page.
  std::string escaped;
  for (unsigned char c : token) escaped += percent(c);
  auto plain = send(fake, ts, "GET", "/20160918/images?compartmentId=" + test::compartment + "&limit=1&page=" + token);
  auto encoded =
      send(fake, ts, "GET", "/20160918/images?compartmentId=" + test::compartment + "&limit=1&page=" + escaped);
  INFO(encoded.body);
  REQUIRE(plain.status == 200);
  REQUIRE(encoded.status == 200);
  CHECK(ids_of(encoded.json()) == ids_of(plain.json()));
  CHECK(encoded.header("opc-next-page") == plain.header("opc-next-page"));

  // A token whose characters a client mangled ('.' sent as a space) is refused, naming the parameter.
  auto mangled = token;
  std::replace(mangled.begin(), mangled.end(), '.', '+');
  auto refused =
      send(fake, ts, "GET", "/20160918/images?compartmentId=" + test::compartment + "&limit=1&page=" + mangled);
  CHECK(refused.status == 400);
  CHECK(test::str(refused.json(), "code") == "InvalidParameter");
  CHECK(test::str(refused.json(), "message").find("page") != std::string::npos);
}
