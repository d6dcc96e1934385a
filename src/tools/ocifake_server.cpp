// ocifake-server: the fake as a standalone program, for tests written in other languages
// (docs/getting-started.md, docs/scenarios.md, docs/admin-api.md).
//
// The first stdout line says where it listens, so a parent process can read the port; each request
// is one line on stderr; SIGINT and SIGTERM stop it with status 0. Usage mistakes exit 2, a server
// that cannot start (address in use, bad scenario or key file) exits 1.
#include <pthread.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <ocifake/ocifake.hpp>

#include "http/sockets.hpp"  // is_loopback, as the server itself decides it

namespace {

constexpr std::string_view usage = R"(usage: ocifake-server [options]

Serves a fake of the OCI Compute Images and Work Requests APIs (and the admin API under
/_ocifake/) until SIGINT or SIGTERM. The first line on stdout is
"ocifake-server listening on http://HOST:PORT"; each request is logged as one line on stderr.

options:
  --host ADDR             address to listen on (default 127.0.0.1); an address that is not
                          loopback needs --allow-remote
  --port N                port to listen on (default 0: a free port, shown on the first line)
  --scenario FILE         load a scenario file at start-up; repeat to load several, in order,
                          each adding to the state and rules; POST /_ocifake/reset returns here
  --clock real|manual     the server's clock (default real); a scenario that names a clock
                          switches it, at start-up and on POST /_ocifake/scenario; a manual
                          clock moves only by POST /_ocifake/clock/advance
  --seed N                seed for OCIDs, etags and fault draws (default: the last scenario's
                          "seed", else random)
  --verify-signatures     check each OCI request's signature against the --public-key files;
                          a request that fails is answered 401 NotAuthenticated
  --public-key FILE       an RSA public key (PEM) requests may be signed with; repeatable, a
                          request passes when any key verifies it
  --allow-remote          allow a --host that is not loopback (needs --admin-token)
  --admin-token TOKEN     require "Authorization: Bearer TOKEN" on every /_ocifake/ call
  --log-format text|json  request lines on stderr as text (default) or as JSON objects in the
                          format of GET /_ocifake/journal
  --quiet                 nothing on stderr but errors
  --help                  show this text and exit
  --version               show the version and exit

exit status: 0 after SIGINT or SIGTERM; 1 when the server cannot start (address in use,
unreadable or invalid scenario or key file); 2 for a usage mistake.
)";

struct usage_mistake {
  std::string message;
};

struct cli {
  ocifake::server_options options;
  std::vector<std::string> scenarios;
  std::vector<std::string> key_files;
  bool json_log = false;
  bool quiet = false;
  bool help = false;
  bool version = false;
};

template <class T>
T number(const std::string& flag, const std::string& text, T max) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max)
    throw usage_mistake{flag + " takes a number from 0 to " + std::to_string(max) + ", not '" + text + "'"};
  return value;
}

cli parse(int argc, char** argv) {
  cli c;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) throw usage_mistake{flag + " needs a value"};
      return args[++i];
    };
    auto no_value = [&] {
      if (inline_value) throw usage_mistake{flag + " takes no value"};
    };
    if (flag == "--help" || flag == "-h") {
      no_value();
      c.help = true;
    } else if (flag == "--version") {
      no_value();
      c.version = true;
    } else if (flag == "--host") {
      c.options.host = value();
    } else if (flag == "--port") {
      c.options.port = number<std::uint16_t>(flag, value(), 65535);
    } else if (flag == "--scenario") {
      c.scenarios.push_back(value());
    } else if (flag == "--clock") {
      auto v = value();
      if (v != "real" && v != "manual") throw usage_mistake{"--clock takes real or manual, not '" + v + "'"};
      c.options.clock = v == "manual" ? ocifake::clock_mode::manual : ocifake::clock_mode::real;
    } else if (flag == "--seed") {
      c.options.seed = number<std::uint64_t>(flag, value(), UINT64_MAX);
    } else if (flag == "--verify-signatures") {
      no_value();
      c.options.verify_signatures = true;
    } else if (flag == "--public-key") {
      c.key_files.push_back(value());
    } else if (flag == "--allow-remote") {
      no_value();
      c.options.allow_remote = true;
    } else if (flag == "--admin-token") {
      c.options.admin_token = value();
      if (c.options.admin_token.empty()) throw usage_mistake{"--admin-token must not be empty"};
    } else if (flag == "--log-format") {
      auto v = value();
      if (v != "text" && v != "json") throw usage_mistake{"--log-format takes text or json, not '" + v + "'"};
      c.json_log = v == "json";
    } else if (flag == "--quiet") {
      no_value();
      c.quiet = true;
    } else {
      throw usage_mistake{"unknown option '" + args[i] + "'"};
    }
  }
  if (c.help || c.version) return c;
  if (!c.options.allow_remote && !ocifake::detail::is_loopback(c.options.host))
    throw usage_mistake{"refusing --host " + c.options.host +
                        ": it is not a loopback address; add --allow-remote (with --admin-token) to serve beyond "
                        "this machine"};
  if (c.options.allow_remote && c.options.admin_token.empty())
    throw usage_mistake{"--allow-remote needs --admin-token, so that the admin API is not open to the network"};
  if (c.options.verify_signatures && c.key_files.empty())
    throw usage_mistake{"--verify-signatures needs at least one --public-key FILE"};
  if (!c.options.verify_signatures && !c.key_files.empty())
    throw usage_mistake{"--public-key is only used with --verify-signatures"};
  return c;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ocifake::error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int run(const cli& c) {
  std::vector<ocifake::scenario> scenarios;
  for (const auto& file : c.scenarios) scenarios.push_back(ocifake::scenario::load(file));

  auto options = c.options;
  // The seed the scenarios ask for, unless the command line chose: the server is built with it.
  // (Their clock needs no such care: loading a scenario switches the server's clock.)
  if (!options.seed)
    for (const auto& s : scenarios)
      if (s.seed()) options.seed = s.seed();
  for (const auto& file : c.key_files) {
    auto pem = read_file(file);
    if (pem.find("-----BEGIN") == std::string::npos) throw ocifake::error(file + " is not a PEM file");
    options.public_keys.push_back({.key_id = {}, .pem = std::move(pem)});
  }

  // The server's threads inherit this mask, so the signals reach sigwait below and nowhere else.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::optional<ocifake::server> server;
  try {
    server.emplace(options);
  } catch (const ocifake::invalid_input& e) {
    // The server names a bad key by its place in server_options; the user knows it by its file.
    constexpr std::string_view keys = "$.public_keys[";
    if (e.path().rfind(keys, 0) == 0) {
      auto i = std::stoul(e.path().substr(keys.size()));
      if (i < c.key_files.size()) throw ocifake::error("--public-key " + c.key_files[i] + ": " + e.expected());
    }
    throw;
  }
  auto& fake = *server;
  for (const auto& s : scenarios) fake.add_startup_scenario(s);
  if (!c.quiet) {
    bool json = c.json_log;
    fake.on_request([json](const ocifake::journal_entry& e) {
      auto line = (json ? ocifake::to_json(e) : ocifake::to_string(e)) + "\n";
      std::fputs(line.c_str(), stderr);
    });
  }
  std::cout << "ocifake-server listening on " << fake.endpoint() << std::endl;
  if (!c.quiet)
    for (const auto& s : scenarios) std::cerr << "ocifake-server: loaded scenario " << s.name() << "\n";

  int sig = 0;
  sigwait(&stop_signals, &sig);
  fake.stop();
  if (!c.quiet) std::cerr << "ocifake-server: stopped (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A parent that closes our pipes must not kill us with SIGPIPE; writes just fail.
  std::signal(SIGPIPE, SIG_IGN);
  cli c;
  try {
    c = parse(argc, argv);
  } catch (const usage_mistake& m) {
    std::cerr << "ocifake-server: " << m.message << "\n\n" << usage;
    return 2;
  }
  if (c.help) {
    std::cout << usage;
    return 0;
  }
  if (c.version) {
    std::cout << "ocifake-server " OCIFAKE_VERSION "\n";
    return 0;
  }
  try {
    return run(c);
  } catch (const ocifake::error& e) {
    std::cerr << "ocifake-server: " << e.what() << "\n";
    return 1;
  }
}
