// ocifake-server: the fake as a standalone program, for tests written in other languages
// (docs/getting-started.md, docs/scenarios.md, docs/admin-api.md).
//
// The first stdout line says where it listens, so a parent process can read the port; each request
// is one line on stderr; SIGINT and SIGTERM stop it with status 0. Usage mistakes exit 2, a server
// that cannot start (address in use, bad scenario or key file) exits 1.
#include <pthread.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <ocifake/ocifake.hpp>

#include "http/sockets.hpp"  // is_loopback, as the server itself decides it
#include "model/suggest.hpp"

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
  --dialect oci|pca       the cloud faked: public OCI (default) or Private Cloud Appliance
                          (the enums and fields of PCA's CreateImage); a scenario that names
                          a dialect switches it
  --platform-images on|off
                          start with the dialect's catalogue of platform images, listed in
                          every compartment (default on)
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

// The index of `text` in a flag's pair of values ("real" or "manual").
std::size_t choice(const std::string& flag, const std::string& text, std::span<const std::string_view> values) {
  if (auto at = std::find(values.begin(), values.end(), text); at != values.end())
    return static_cast<std::size_t>(at - values.begin());
  throw usage_mistake{flag + " takes " + std::string(values[0]) + " or " + std::string(values[1]) + ", not '" + text +
                      "'" + ocifake::detail::did_you_mean(text, values)};
}

constexpr std::string_view clock_modes[] = {"real", "manual"};
constexpr std::string_view dialects[] = {"oci", "pca"};
constexpr std::string_view on_off[] = {"on", "off"};
constexpr std::string_view log_formats[] = {"text", "json"};

// One row per flag: its name, whether a value follows it (as the next argument or after '='), and
// what it sets. A flag is added here and in the usage text above.
using arg = const std::string&;
struct flag_row {
  std::string_view name;
  bool takes_value;
  void (*set)(cli& c, arg flag, arg value);
};

constexpr flag_row flags[] = {
    {"--host", true, [](cli& c, arg, arg v) { c.options.host = v; }},
    {"--port", true, [](cli& c, arg f, arg v) { c.options.port = number<std::uint16_t>(f, v, 65535); }},
    {"--scenario", true, [](cli& c, arg, arg v) { c.scenarios.push_back(v); }},
    {"--clock", true,
     [](cli& c, arg f, arg v) {
       c.options.clock = choice(f, v, clock_modes) == 1 ? ocifake::clock_mode::manual : ocifake::clock_mode::real;
     }},
    {"--dialect", true,
     [](cli& c, arg f, arg v) {
       c.options.dialect = choice(f, v, dialects) == 1 ? ocifake::dialect::pca : ocifake::dialect::oci;
     }},
    {"--platform-images", true, [](cli& c, arg f, arg v) { c.options.platform_images = choice(f, v, on_off) == 0; }},
    {"--seed", true, [](cli& c, arg f, arg v) { c.options.seed = number<std::uint64_t>(f, v, UINT64_MAX); }},
    {"--verify-signatures", false, [](cli& c, arg, arg) { c.options.verify_signatures = true; }},
    {"--public-key", true, [](cli& c, arg, arg v) { c.key_files.push_back(v); }},
    {"--allow-remote", false, [](cli& c, arg, arg) { c.options.allow_remote = true; }},
    {"--admin-token", true,
     [](cli& c, arg f, arg v) {
       if (v.empty()) throw usage_mistake{f + " must not be empty"};
       c.options.admin_token = v;
     }},
    {"--log-format", true, [](cli& c, arg f, arg v) { c.json_log = choice(f, v, log_formats) == 1; }},
    {"--quiet", false, [](cli& c, arg, arg) { c.quiet = true; }},
    {"--help", false, [](cli& c, arg, arg) { c.help = true; }},
    {"--version", false, [](cli& c, arg, arg) { c.version = true; }},
};

// The flags' names, for "did you mean".
constexpr auto flag_names = [] {
  std::array<std::string_view, std::size(flags)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = flags[i].name;
  return names;
}();

const flag_row& find_flag(const std::string& given, const std::string& name) {
  for (const auto& row : flags)
    if (row.name == name) return row;
  throw usage_mistake{"unknown option '" + given + "'" + ocifake::detail::did_you_mean(name, flag_names)};
}

// The rules between flags, once all are read.
void check(const cli& c) {
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
}

cli parse(int argc, char** argv) {
  cli c;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;  // --flag=value
    if (auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "-h") name = "--help";
    const flag_row& flag = find_flag(args[i], name);
    if (!flag.takes_value && value) throw usage_mistake{name + " takes no value"};
    if (flag.takes_value && !value) {
      if (i + 1 >= args.size()) throw usage_mistake{name + " needs a value"};
      value = args[++i];
    }
    flag.set(c, name, value.value_or(std::string()));
  }
  if (!c.help && !c.version) check(c);
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
