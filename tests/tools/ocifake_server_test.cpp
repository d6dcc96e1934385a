// ocifake-server, the real binary, run as a child process: the first stdout line, the command
// line, the request log, and a clean exit on SIGTERM and SIGINT.
#include "catch_compat.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <httplib.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>

extern char** environ;

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string scenarios = std::string(OCIFAKE_SOURCE_DIR) + "/scenarios/";

// ocifake-server as a child, with its stdout and stderr on pipes.
class child {
public:
  explicit child(std::vector<std::string> args) {
    args.insert(args.begin(), OCIFAKE_SERVER_BINARY);
    int out[2], err[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    REQUIRE(rc == 0);
  }
  ~child() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(err_);
  }
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  // The next line on stdout; empty when none came within the timeout or the pipe closed.
  std::string stdout_line(std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = out_buf_.find('\n'); nl != std::string::npos) {
        auto line = out_buf_.substr(0, nl);
        out_buf_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return {};
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char buf[4096];
      auto n = ::read(out_, buf, sizeof buf);
      if (n <= 0) return {};
      out_buf_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // "http://127.0.0.1:PORT" from the first stdout line.
  std::string endpoint() {
    auto line = stdout_line();
    std::smatch m;
    static const std::regex first(R"(ocifake-server listening on (http://[^ ]+:[0-9]+))");
    REQUIRE(std::regex_match(line, m, first));
    return m[1];
  }

  void signal(int sig) { REQUIRE(::kill(pid_, sig) == 0); }

  // Waits for the exit; the exit status, or 128 + the signal that killed it.
  int wait(std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
      drain_stderr(20ms);  // a child blocked on a full stderr pipe would never exit
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_)
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      else if (std::chrono::steady_clock::now() > deadline)
        return -1;
    }
    drain_stderr(0ms);
    return *status_;
  }

  // Everything the child wrote on stderr (complete once it has exited).
  const std::string& stderr_text() {
    drain_stderr(0ms);
    return err_buf_;
  }
  std::string stdout_rest() {
    std::string rest = out_buf_;
    char buf[4096];
    pollfd p{out_, POLLIN, 0};
    while (::poll(&p, 1, 0) > 0) {
      auto n = ::read(out_, buf, sizeof buf);
      if (n <= 0) break;
      rest.append(buf, static_cast<std::size_t>(n));
    }
    return rest;
  }

private:
  void drain_stderr(std::chrono::milliseconds wait) {
    pollfd p{err_, POLLIN, 0};
    int timeout = static_cast<int>(wait.count());
    while (::poll(&p, 1, timeout) > 0) {
      char buf[4096];
      auto n = ::read(err_, buf, sizeof buf);
      if (n <= 0) break;
      err_buf_.append(buf, static_cast<std::size_t>(n));
      timeout = 0;
    }
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string out_buf_, err_buf_;
  std::optional<int> status_;
};

// Runs the binary to completion (for flags that make it exit at once).
struct run_result {
  int status;
  std::string out, err;
};
run_result run(std::vector<std::string> args, std::chrono::milliseconds timeout = 10s) {
  child c(std::move(args));
  int status = c.wait(timeout);
  return {status, c.stdout_rest(), c.stderr_text()};
}

httplib::Client client_for(const std::string& endpoint) {
  httplib::Client c(endpoint);
  c.set_connection_timeout(2, 0);
  c.set_read_timeout(5, 0);
  return c;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string public_key_pem() {
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  REQUIRE(pkey);
  OSSL_ENCODER_CTX* ctx =
      OSSL_ENCODER_CTX_new_for_pkey(pkey, EVP_PKEY_PUBLIC_KEY, "PEM", "SubjectPublicKeyInfo", nullptr);
  unsigned char* data = nullptr;
  std::size_t len = 0;
  REQUIRE((ctx && OSSL_ENCODER_to_data(ctx, &data, &len) == 1));
  std::string pem(reinterpret_cast<char*>(data), len);
  OPENSSL_free(data);
  OSSL_ENCODER_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return pem;
}

struct temp_file {
  explicit temp_file(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() / ("ocifake-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path) << text;
  }
  ~temp_file() { std::filesystem::remove(path); }
  std::filesystem::path path;
};

}  // namespace

TEST_CASE("ocifake-server: --help documents every flag and exits 0", "[tools]") {
  auto r = run({"--help"});
  CHECK(r.status == 0);
  for (const char* flag : {"--host", "--port", "--scenario", "--clock", "--seed", "--verify-signatures", "--public-key",
                           "--allow-remote", "--admin-token", "--log-format", "--quiet", "--help", "--version"})
    CHECK_THAT(r.out, catch_compat::Contains(flag));
  CHECK_THAT(r.out, catch_compat::StartsWith("usage: ocifake-server"));
}

TEST_CASE("ocifake-server: --version prints the project's version and exits 0", "[tools]") {
  auto r = run({"--version"});
  CHECK(r.status == 0);
  CHECK(r.out == "ocifake-server " OCIFAKE_VERSION "\n");
  CHECK(r.err.empty());
  CHECK(run({"--version=1"}).status == 2);
}

TEST_CASE("ocifake-server: a plain server takes every bundled scenario over the admin API, whatever its clock",
          "[tools][scenarios]") {
  child server({"--quiet"});
  auto c = client_for(server.endpoint());
  for (const auto& entry : std::filesystem::directory_iterator(scenarios)) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path().filename().string());
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto r = c.Post("/_ocifake/scenario", text.str(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    const json::value doc = json::parse(text.str());  // kept alive: `clock` points into it
    auto* clock = doc.as_object().if_contains("clock");
    const std::string mode = clock ? std::string(clock->as_string()) : "real";
    auto state = c.Get("/_ocifake/state");
    REQUIRE(state);
    CHECK_THAT(state->body, catch_compat::Contains(R"("clock": ")" + mode + "\""));
    // Reset goes back to the start-up state: empty, on the real clock the server started with.
    auto reset = c.Post("/_ocifake/reset", "", "application/json");
    REQUIRE(reset);
    CHECK(reset->status == 200);
    state = c.Get("/_ocifake/state");
    REQUIRE(state);
    CHECK_THAT(state->body, catch_compat::Contains(R"("clock": "real")"));
  }
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}

TEST_CASE("ocifake-server: usage mistakes exit 2 with the usage", "[tools]") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--bogus"},
                                                                {"--port"},
                                                                {"--port", "http"},
                                                                {"--port", "70000"},
                                                                {"--clock", "fast"},
                                                                {"--log-format", "xml"},
                                                                {"--seed", "-1"},
                                                                {"--quiet=yes"},
                                                                {"--verify-signatures"},
                                                                {"--public-key", "key.pem"},
                                                                {"extra"}}) {
    INFO(args[0]);
    auto r = run(args);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, catch_compat::StartsWith("ocifake-server: ") && catch_compat::Contains("usage: ocifake-server"));
    CHECK(r.out.empty());
  }
  CHECK_THAT(run({"--bogus"}).err, catch_compat::Contains("unknown option '--bogus'\n"));
}

TEST_CASE("ocifake-server: a mistyped flag or value is refused with the closest one named", "[tools]") {
  struct mistake {
    std::vector<std::string> args;
    std::string message;
  };
  for (const auto& m : std::vector<mistake>{
           {{"--prot", "8080"}, R"(unknown option '--prot' (did you mean "--port"?))"},
           {{"--seeed=7"}, R"(unknown option '--seeed=7' (did you mean "--seed"?))"},
           {{"--Quiet"}, R"(unknown option '--Quiet' (did you mean "--quiet"?))"},
           {{"--log-formt", "json"}, R"(unknown option '--log-formt' (did you mean "--log-format"?))"},
           {{"--verify-signature"}, R"(unknown option '--verify-signature' (did you mean "--verify-signatures"?))"},
           {{"--clock", "manul"}, R"(--clock takes real or manual, not 'manul' (did you mean "manual"?))"},
           {{"--log-format=jsno"}, R"(--log-format takes text or json, not 'jsno' (did you mean "json"?))"},
           {{"--clock", "fast"}, "--clock takes real or manual, not 'fast'\n"},
           {{"--dialect", "PCA"}, R"(--dialect takes oci or pca, not 'PCA' (did you mean "pca"?))"},
           {{"--platform-images", "offf"}, R"(--platform-images takes on or off, not 'offf' (did you mean "off"?))"},
           {{"-x"}, "unknown option '-x'\n"}}) {
    INFO(m.args[0]);
    auto r = run(m.args);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, catch_compat::StartsWith("ocifake-server: " + m.message));
  }
}

TEST_CASE("ocifake-server: each flag takes its value after a space or an equals sign, and -h is --help", "[tools]") {
  CHECK(run({"-h"}).status == 0);
  CHECK(run({"--help", "--quiet"}).status == 0);
  CHECK_THAT(run({"--host"}).err, catch_compat::Contains("--host needs a value"));
  CHECK_THAT(run({"--allow-remote=yes"}).err, catch_compat::Contains("--allow-remote takes no value"));
  CHECK_THAT(run({"--admin-token="}).err, catch_compat::Contains("--admin-token must not be empty"));
  CHECK_THAT(run({"--port=65536"}).err, catch_compat::Contains("--port takes a number from 0 to 65535, not '65536'"));
  child server({"--quiet", "--clock=manual", "--seed", "5", "--port=0", "--dialect=pca"});
  auto c = client_for(server.endpoint());
  auto state = c.Get("/_ocifake/state");
  REQUIRE(state);
  CHECK_THAT(state->body, catch_compat::Contains(R"("clock": "manual")"));
  CHECK_THAT(state->body, catch_compat::Contains(R"("dialect": "pca")"));
  CHECK_THAT(state->body, catch_compat::Contains(R"("platformImages": true)"));
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
  child bare({"--quiet", "--platform-images", "off"});
  state = client_for(bare.endpoint()).Get("/_ocifake/state");
  REQUIRE(state);
  CHECK_THAT(state->body, catch_compat::Contains(R"("platformImages": false)"));
  bare.signal(SIGTERM);
  CHECK(bare.wait() == 0);
}

TEST_CASE("ocifake-server: a host that is not loopback needs --allow-remote, and that needs --admin-token", "[tools]") {
  auto r = run({"--host", "0.0.0.0"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, catch_compat::Contains("refusing --host 0.0.0.0") && catch_compat::Contains("--allow-remote"));
  r = run({"--host", "0.0.0.0", "--allow-remote"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, catch_compat::Contains("--allow-remote needs --admin-token"));
}

TEST_CASE("ocifake-server: serves the scenarios it was given, logs each request, exits 0 on SIGTERM", "[tools]") {
  child server({"--scenario", scenarios + "lost-create-response.json"});
  auto endpoint = server.endpoint();
  auto c = client_for(endpoint);

  auto health = c.Get("/_ocifake/health");
  REQUIRE(health);
  CHECK(health->status == 200);

  // The scenario's clock (manual) and its instance and rule are there.
  auto state = c.Get("/_ocifake/state");
  REQUIRE(state);
  auto doc = json::parse(state->body);
  CHECK(doc.at("clock") == "manual");
  CHECK(doc.at("instances").as_array().size() == 1);
  auto body =
      R"({"compartmentId": "ocid1.compartment.oc1..aaaaaaaademo", "instanceId": "ocid1.instance.oc1.phx.aaaaaaaademo"})";
  httplib::Headers token{{"opc-retry-token", "cli-test"}};
  CHECK_FALSE(c.Post("/20160918/images", token, body, "application/json"));  // the lost answer
  auto again = c.Post("/20160918/images", token, body, "application/json");
  REQUIRE(again);
  CHECK(again->status == 200);

  // POST /_ocifake/reset goes back to the scenario, not to nothing.
  REQUIRE(c.Post("/_ocifake/reset", "", "application/json"));
  state = c.Get("/_ocifake/state");
  REQUIRE(state);
  CHECK(json::parse(state->body).at("images").as_array().empty());
  CHECK(json::parse(state->body).at("faults").as_array().size() == 1);

  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
  auto log = lines_of(server.stderr_text());
  CHECK_THAT(server.stderr_text(), catch_compat::Contains("loaded scenario lost-create-response"));
  auto count = [&](const std::string& needle) {
    return std::count_if(log.begin(), log.end(),
                         [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  };
  CHECK(count("GET /_ocifake/health Admin -> 200") == 1);
  CHECK(count("CreateImage -> no answer") == 1);
  CHECK(count("[fault lost-answer reset afterCommit]") == 1);
  CHECK(count("CreateImage -> 200 (replayed)") == 1);
  CHECK_THAT(log.back(), catch_compat::Contains("stopped (SIGTERM)"));
}

TEST_CASE("ocifake-server: SIGINT stops it cleanly too, with a request hanging", "[tools]") {
  child server({"--quiet"});
  auto endpoint = server.endpoint();
  auto c = client_for(endpoint);
  REQUIRE(c.Post("/_ocifake/faults", R"({"operation": "GetImage", "action": {"type": "hang"}})", "application/json"));
  auto pending = std::async(std::launch::async, [endpoint] {
    return client_for(endpoint).Get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaax").error();
  });
  // Until the server holds the request: the rule has matched it.
  for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(5ms)) {
    auto faults = c.Get("/_ocifake/faults");
    if (faults && json::parse(faults->body).at(0).at("matched") == 1) break;
  }

  server.signal(SIGINT);
  CHECK(server.wait() == 0);
  CHECK(pending.get() != httplib::Error::Success);  // never answered
  CHECK(server.stderr_text().empty());              // --quiet
}

TEST_CASE("ocifake-server: --log-format json writes journal entries", "[tools]") {
  child server({"--log-format", "json", "--clock", "manual"});
  auto c = client_for(server.endpoint());
  REQUIRE(c.Post("/_ocifake/clock/advance", R"({"seconds": 5})", "application/json"));
  REQUIRE(c.Get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanone"));
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  std::vector<json::value> entries;
  for (const auto& line : lines_of(server.stderr_text()))
    if (!line.empty() && line[0] == '{') entries.push_back(json::parse(line));
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].at("operation") == "Admin");
  CHECK(entries[0].at("changes").as_array().size() == 1);
  CHECK(entries[1].at("operation") == "GetImage");
  CHECK(entries[1].at("status") == 404);
}

TEST_CASE("ocifake-server: --seed makes generated ids repeat across runs", "[tools]") {
  auto instance_id = [] {
    child server({"--seed", "42", "--quiet"});
    auto c = client_for(server.endpoint());
    auto r = c.Post("/_ocifake/instances", R"({"compartmentId": "ocid1.compartment.oc1..aaaaaaaademo"})",
                    "application/json");
    REQUIRE(r);
    server.signal(SIGTERM);
    CHECK(server.wait() == 0);
    return std::string(json::parse(r->body).at("id").as_string());
  };
  CHECK(instance_id() == instance_id());
}

TEST_CASE("ocifake-server: --admin-token guards the admin API", "[tools]") {
  child server({"--admin-token", "s3cret", "--quiet"});
  auto c = client_for(server.endpoint());
  auto r = c.Get("/_ocifake/health");
  REQUIRE(r);
  CHECK(r->status == 401);
  r = c.Get("/_ocifake/health", {{"Authorization", "Bearer s3cret"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}

TEST_CASE("ocifake-server: --verify-signatures refuses unsigned OCI calls, never admin calls", "[tools]") {
  temp_file key("key.pem", public_key_pem());
  child server({"--verify-signatures", "--public-key", key.path.string(), "--quiet"});
  auto c = client_for(server.endpoint());
  auto r = c.Get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanone");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK_THAT(r->body, catch_compat::Contains("NotAuthenticated"));
  r = c.Get("/_ocifake/health");
  REQUIRE(r);
  CHECK(r->status == 200);
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);

  temp_file not_a_key("not-a-key.pem", "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n");
  auto bad = run({"--verify-signatures", "--public-key", not_a_key.path.string()});
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, catch_compat::Contains("--public-key " + not_a_key.path.string() + ": "));
  bad = run({"--verify-signatures", "--public-key", "/nonexistent/key.pem"});
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, catch_compat::Contains("cannot read /nonexistent/key.pem"));
}

TEST_CASE("ocifake-server: a scenario it cannot use, or a port in use, exits 1 saying why", "[tools]") {
  temp_file typo("typo.json", R"({"name": "typo", "instances": [{"compartmentID": "x"}]})");
  auto r = run({"--scenario", typo.path.string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, catch_compat::Contains(typo.path.string() + ": $.instances[0].compartmentID: a known key"));
  CHECK(r.out.empty());

  child first({"--quiet"});
  auto endpoint = first.endpoint();
  auto port = endpoint.substr(endpoint.rfind(':') + 1);
  r = run({"--port", port});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, catch_compat::Contains(port));
  first.signal(SIGTERM);
  CHECK(first.wait() == 0);
}

// ---- ocifake-server explore, with tests/programs/explore_client.cpp as the command ----

namespace {

const std::string explore_compartment = "ocid1.compartment.oc1..aaaaaaaaexplore";
const std::string explore_instance = "ocid1.instance.oc1.phx.aaaaaaaaexplore";

// The state every run starts from: the instance to capture, no platform images (so that the
// client's ListImages shows only what it made).
temp_file explore_scenario() {
  return temp_file("explore-scenario.json", R"({"name": "explore", "seed": 11, "platformImages": false,
    "instances": [{"id": ")" + explore_instance +
                                                R"(", "compartmentId": ")" + explore_compartment + R"("}]})");
}

// `ocifake-server explore [flags] --scenario S -- explore_client MODE C I`.
run_result explore(const std::string& mode, std::vector<std::string> flags, const temp_file& scenario) {
  std::vector<std::string> args{"explore"};
  args.insert(args.end(), flags.begin(), flags.end());
  for (std::string a : {std::string("--scenario"), scenario.path.string(), std::string("--"),
                        std::string(OCIFAKE_EXPLORE_CLIENT), mode, explore_compartment, explore_instance})
    args.push_back(a);
  return run(args, 60s);
}

json::object read_report(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

}  // namespace

TEST_CASE("ocifake-server explore: a client that retries without a token fails the lost CreateImage",
          "[tools][explore]") {
  auto scenario = explore_scenario();
  temp_file report("explore-report.json", "");
  temp_file html("explore-report.html", "");
  auto r = explore("naive", {"--report", report.path.string(), "--html", html.path.string()}, scenario);
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  {
    std::ifstream in(html.path, std::ios::binary);
    std::ostringstream page;
    page << in.rdbuf();
    CHECK_THAT(page.str(), catch_compat::StartsWith("<!DOCTYPE html>"));
    CHECK_THAT(page.str(), catch_compat::Contains("<svg"));  // the failing run's journal, drawn
  }
  // CreateImage: reset, lost, 500, 429, 409; ListImages: reset, 500, 429, 409 (lost skipped).
  CHECK(lines_of(r.out) ==
        std::vector<std::string>{"FAIL #1 CreateImage lost: exit 1: expected one image, found 2",
                                 "explored 9 runs: 8 passed, 1 failed, 1 skipped (reference run: 2 requests)"});

  auto doc = read_report(report.path);
  const auto& requests = doc.at("reference").at("requests").as_array();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].at("operation") == "CreateImage");
  CHECK(requests[0].at("seq") == 1);
  CHECK(requests[1].at("operation") == "ListImages");
  CHECK(doc.at("reference").at("exitCode") == 0);
  const auto& runs = doc.at("runs").as_array();
  REQUIRE(runs.size() == 9);
  const auto& lost = runs[1].as_object();
  CHECK(lost.at("faults").as_array()[0].at("operation") == "CreateImage");
  CHECK(lost.at("faults").as_array()[0].at("fault") == "lost");
  CHECK(lost.at("faults").as_array()[0].at("request") == 1);
  CHECK(lost.at("passed") == false);
  CHECK(lost.at("exitCode") == 1);
  // The command's last lines, stdout and stderr together.
  // (The first retry is refused 409: the instance is still held by the image the lost request made.)
  CHECK(lost.at("output") ==
        "CreateImage: no answer\nCreateImage: 409\nCreateImage: 200\nListImages: 200\nexpected one image, found 2");
  CHECK(lost.at("journal").as_array().size() == 4);  // the lost CreateImage, two retries, ListImages
  CHECK(runs[0].at("passed") == true);
  CHECK(runs[0].at("exitCode") == 0);
  CHECK(doc.at("summary") == json::parse(R"({"runs": 9, "passed": 8, "failed": 1, "skipped": 1, "cut": 0})"));
  CHECK(doc.at("skipped").as_array()[0].at("faults").as_array()[0].at("operation") == "ListImages");
}

TEST_CASE("ocifake-server explore: a client that retries with a token passes every run", "[tools][explore]") {
  auto scenario = explore_scenario();
  auto r = explore("right", {}, scenario);
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "explored 9 runs: 9 passed, 0 failed, 1 skipped (reference run: 2 requests)\n");
  CHECK(r.err.empty());  // no progress line: stderr is not a terminal
}

TEST_CASE("ocifake-server explore: --jobs 2 gives the same verdicts", "[tools][explore]") {
  auto scenario = explore_scenario();
  temp_file one("explore-jobs1.json", ""), two("explore-jobs2.json", "");
  auto a = explore("naive", {"--report", one.path.string()}, scenario);
  auto b = explore("naive", {"--jobs", "2", "--report=" + two.path.string()}, scenario);
  CHECK(a.status == 1);
  CHECK(b.status == 1);
  CHECK(a.out == b.out);
  auto verdicts = [](const json::object& doc) {
    std::vector<std::pair<std::string, bool>> out;
    for (const auto& run : doc.at("runs").as_array())
      out.emplace_back(json::serialize(run.at("faults")), run.at("passed").as_bool());
    return out;
  };
  CHECK(verdicts(read_report(one.path)) == verdicts(read_report(two.path)));
}

TEST_CASE("ocifake-server explore: --max-runs cuts the plan and --faults chooses the kinds", "[tools][explore]") {
  auto scenario = explore_scenario();
  auto r = explore("naive", {"--max-runs", "3"}, scenario);
  CHECK(r.status == 1);
  CHECK_THAT(r.out, catch_compat::Contains("explored 3 runs: 2 passed, 1 failed, 1 skipped, 6 cut by --max-runs"));
  r = explore("naive", {"--faults", "reset,500"}, scenario);
  CHECK(r.status == 0);
  CHECK(r.out == "explored 4 runs: 4 passed, 0 failed (reference run: 2 requests)\n");
}

TEST_CASE("ocifake-server explore: a failing reference run exits 3 with its output", "[tools][explore]") {
  auto scenario = explore_scenario();
  auto r = explore("fail", {}, scenario);
  CHECK(r.status == 3);
  CHECK(r.out ==
        "the reference run (no fault) failed, so nothing was explored: exit 1\nCreateImage: 200\nfailing on purpose\n");
}

TEST_CASE("ocifake-server explore: a command that outlives --run-timeout-s is killed and its run fails",
          "[tools][explore]") {
  auto scenario = explore_scenario();
  auto started = std::chrono::steady_clock::now();
  auto r = explore("hang", {"--run-timeout-s", "1"}, scenario);
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  CHECK(r.status == 3);
  CHECK_THAT(r.out, catch_compat::Contains("exit 137\nCreateImage: 200\nocifake-server: killed after 1 s"));
}

TEST_CASE("ocifake-server explore: SIGTERM stops it at once, with the command it runs", "[tools][explore]") {
  auto scenario = explore_scenario();
  temp_file pid_file("explore-client.pid", "");
  ::setenv("EXPLORE_CLIENT_PID_FILE", pid_file.path.c_str(), 1);  // inherited by explore, then the client
  child explore({"explore", "--scenario", scenario.path.string(), "--", OCIFAKE_EXPLORE_CLIENT, "hang",
                 explore_compartment, explore_instance});
  ::unsetenv("EXPLORE_CLIENT_PID_FILE");
  std::string pid;
  for (int i = 0; i < 100 && pid.empty(); ++i) {  // the reference run's command is sleeping once it is written
    std::this_thread::sleep_for(50ms);
    std::ifstream(pid_file.path) >> pid;
  }
  REQUIRE(!pid.empty());
  auto started = std::chrono::steady_clock::now();
  explore.signal(SIGTERM);
  CHECK(explore.wait() == 128 + SIGTERM);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  // The command is gone too (or a zombie, where nothing reaps orphans).
  auto gone = [&] {
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string text;
    std::getline(stat, text);
    return text.empty() || text.find(") Z ") != std::string::npos;
  };
  for (int i = 0; i < 40 && !gone(); ++i) std::this_thread::sleep_for(50ms);
  CHECK(gone());
}

TEST_CASE("ocifake-server explore: usage mistakes exit 2 saying what is wrong", "[tools][explore]") {
  auto client = std::string(OCIFAKE_EXPLORE_CLIENT);
  struct mistake {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<mistake> mistakes{
      {{"explore", "--job", "2", "--", client}, R"(unknown option '--job' (did you mean "--jobs"?))"},
      {{"explore", "--jobs", "2"}, "explore needs -- and the command to run"},
      {{"explore", "--"}, "explore needs a command after --"},
      {{"explore", client}, "is not an option of explore; the command to explore comes after --"},
      {{"explore", "--depth", "3", "--", client}, "--depth takes 1 or 2, not '3'"},
      {{"explore", "--jobs", "0", "--", client}, "--jobs takes a number from 1 to 256, not '0'"},
      {{"explore", "--faults", "500,lots", "--", client}, "--faults: "},
      {{"explore", "--faults", "500,lots", "--", client}, "lots"},
      {{"explore", "--dialect", "pcx", "--", client}, R"(--dialect takes oci or pca, not 'pcx' (did you mean "pca"?))"},
      {{"explore", "--seed", "x", "--", client}, "--seed takes a number"},
      {{"explore", "--", "/no/such/program"}, "cannot run /no/such/program: No such file or directory"},
      {{"explore", "--", "no-such-program-ocifake"}, "cannot run no-such-program-ocifake: not found in PATH"},
      {{"explore", "--scenario", "/no/such/scenario.json", "--", client}, "/no/such/scenario.json"},
  };
  for (const auto& m : mistakes) {
    std::string line;
    for (const auto& a : m.args) line += a + " ";
    INFO(line);
    auto r = run(m.args);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, catch_compat::Contains(m.message));
  }
  auto help = run({"explore", "--help"});
  CHECK(help.status == 0);
  CHECK_THAT(help.out, catch_compat::StartsWith("usage: ocifake-server explore [options] -- COMMAND [ARG...]"));
  for (const char* flag : {"--scenario", "--seed", "--dialect", "--faults", "--depth", "--jobs", "--max-runs",
                           "--timeout-ms", "--run-timeout-s", "--report", "--html"})
    CHECK_THAT(help.out, catch_compat::Contains(flag));
  CHECK_THAT(run({"--help"}).out, catch_compat::Contains("ocifake-server explore [options] -- COMMAND"));
}

TEST_CASE("ocifake-server explore: a command in another language finds the fake at OCIFAKE_ENDPOINT",
          "[tools][explore]") {
  if (!std::filesystem::exists("/usr/bin/python3")) {
    WARN("no /usr/bin/python3: the Python command is not tried");
    return;
  }
  // The reference run only (the command makes no OCI request): it passes when the admin API
  // answers at the address the environment gives.
  auto r = run({"explore", "--", "/usr/bin/python3", "-c",
                "import os, sys, urllib.request\n"
                "url = os.environ['OCIFAKE_ENDPOINT'] + '/_ocifake/health'\n"
                "sys.exit(0 if urllib.request.urlopen(url).status == 200 else 1)\n"},
               60s);
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out == "explored 0 runs: 0 passed, 0 failed (reference run: 0 requests)\n");
}
