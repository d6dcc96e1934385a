// ocifake-server: the fake as a standalone program, for tests written in other languages
// (docs/getting-started.md, docs/scenarios.md, docs/admin-api.md), and `ocifake-server explore`,
// fault-space exploration of any command (docs/exploration.md).
//
// The first stdout line says where it listens, so a parent process can read the port; each request
// is one line on stderr; SIGINT and SIGTERM stop it with status 0. Usage mistakes exit 2, a server
// that cannot start (address in use, bad scenario or key file) exits 1.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include <ocifake/ocifake.hpp>

#include "api/registry.hpp"     // which operations change state, for the progress line
#include "explore/explore.hpp"  // explore_with and report_json: runs judged by a command's exit status
#include "http/sockets.hpp"     // is_loopback, as the server itself decides it
#include "model/suggest.hpp"

namespace {

constexpr std::string_view usage = R"(usage: ocifake-server [options]
       ocifake-server explore [options] -- COMMAND [ARG...]   (explore --help)

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

// ---- ocifake-server explore: fault-space exploration of a command (docs/exploration.md) ----

constexpr std::string_view explore_usage = R"(usage: ocifake-server explore [options] -- COMMAND [ARG...]

Runs COMMAND once against a fresh fake without faults (the reference run), then once per
(request, fault) pair: each OCI request of the reference run, with each fault kind armed on it.
COMMAND finds the fake (and its admin API) at OCIFAKE_ENDPOINT=http://127.0.0.1:PORT in its
environment; a run passes when COMMAND exits 0. Prints one line per failing pair and a summary.

options:
  --scenario FILE         load a scenario file into every run's server; repeat to load several
  --seed N                seed for OCIDs, etags and fault draws, the same in every run (default:
                          the last scenario's "seed", else drawn once)
  --dialect oci|pca       the cloud faked (default oci)
  --faults LIST           the fault kinds tried on each request, comma-separated, from reset,
                          lost, 500, 503, 429, 409, timeout, malformed (default
                          reset,lost,500,429,409)
  --depth 1|2             2 also tries a second fault after the first (default 1)
  --jobs N                runs at once, each a server and a COMMAND of its own (default 1)
  --max-runs N            most runs besides the reference run (default 1000)
  --timeout-ms MS         how long a "timeout" fault keeps a request unanswered (default 1000)
  --run-timeout-s S       a COMMAND still running after S seconds is killed and its run fails
                          (default 60)
  --report FILE           write the report as JSON to FILE
  --html FILE             write the report as one self-contained HTML page to FILE
  --help                  show this text and exit

exit status: 0 when every run passed; 1 when some failed; 2 for a usage mistake or a COMMAND
that cannot be started; 3 when the reference run failed, so that nothing was explored. SIGINT
or SIGTERM kills the commands running and exits with 128 + the signal.
)";

// How many lines of a COMMAND's output a run keeps.
constexpr std::size_t kept_lines = 20;

struct explore_cli {
  ocifake::explore_options options;
  std::vector<std::string> scenarios;
  std::optional<std::uint64_t> seed;
  std::string report;
  std::string html;  // --html FILE: the same report as one self-contained HTML page
  std::chrono::seconds run_timeout{60};
  std::vector<std::string> command;
  bool help = false;
};

using explore_arg = const std::string&;
struct explore_flag_row {
  std::string_view name;
  bool takes_value;
  void (*set)(explore_cli& c, explore_arg flag, explore_arg value);
};

std::vector<ocifake::fault_kind> fault_list(const std::string& flag, const std::string& text) {
  std::vector<ocifake::fault_kind> kinds;
  std::size_t at = 0;
  for (;;) {
    auto comma = text.find(',', at);
    auto name = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    try {
      kinds.push_back(ocifake::parse_fault_kind(name));
    } catch (const ocifake::usage_error& e) {
      throw usage_mistake{flag + ": " + e.what()};
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return kinds;
}

template <class T>
T positive(const std::string& flag, const std::string& text, T max) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > max)
    throw usage_mistake{flag + " takes a number from 1 to " + std::to_string(max) + ", not '" + text + "'"};
  return value;
}

constexpr explore_flag_row explore_flags[] = {
    {"--scenario", true, [](explore_cli& c, explore_arg, explore_arg v) { c.scenarios.push_back(v); }},
    {"--seed", true,
     [](explore_cli& c, explore_arg f, explore_arg v) { c.seed = number<std::uint64_t>(f, v, UINT64_MAX); }},
    {"--dialect", true,
     [](explore_cli& c, explore_arg f, explore_arg v) {
       c.options.server.dialect = choice(f, v, dialects) == 1 ? ocifake::dialect::pca : ocifake::dialect::oci;
     }},
    {"--faults", true, [](explore_cli& c, explore_arg f, explore_arg v) { c.options.faults = fault_list(f, v); }},
    {"--depth", true,
     [](explore_cli& c, explore_arg f, explore_arg v) {
       if (v != "1" && v != "2") throw usage_mistake{f + " takes 1 or 2, not '" + v + "'"};
       c.options.depth = v == "1" ? 1 : 2;
     }},
    {"--jobs", true,
     [](explore_cli& c, explore_arg f, explore_arg v) { c.options.jobs = positive<std::size_t>(f, v, 256); }},
    {"--max-runs", true,
     [](explore_cli& c, explore_arg f, explore_arg v) { c.options.max_runs = number<std::size_t>(f, v, 1000000); }},
    {"--timeout-ms", true,
     [](explore_cli& c, explore_arg f, explore_arg v) {
       c.options.timeout = std::chrono::milliseconds(positive<std::int64_t>(f, v, 86400000));
     }},
    {"--run-timeout-s", true,
     [](explore_cli& c, explore_arg f, explore_arg v) {
       c.run_timeout = std::chrono::seconds(positive<std::int64_t>(f, v, 86400));
     }},
    {"--report", true,
     [](explore_cli& c, explore_arg f, explore_arg v) {
       if (v.empty()) throw usage_mistake{f + " must not be empty"};
       c.report = v;
     }},
    {"--html", true,
     [](explore_cli& c, explore_arg f, explore_arg v) {
       if (v.empty()) throw usage_mistake{f + " must not be empty"};
       c.html = v;
     }},
    {"--help", false, [](explore_cli& c, explore_arg, explore_arg) { c.help = true; }},
};

constexpr auto explore_flag_names = [] {
  std::array<std::string_view, std::size(explore_flags)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = explore_flags[i].name;
  return names;
}();

// argv[1] is "explore".
explore_cli parse_explore(int argc, char** argv) {
  explore_cli c;
  std::vector<std::string> args(argv + 2, argv + argc);
  std::size_t i = 0;
  for (; i < args.size() && args[i] != "--"; ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "-h") name = "--help";
    const explore_flag_row* flag = nullptr;
    for (const auto& row : explore_flags)
      if (row.name == name) flag = &row;
    if (!flag) {
      if (name.rfind('-', 0) != 0)
        throw usage_mistake{"'" + args[i] + "' is not an option of explore; the command to explore comes after --"};
      throw usage_mistake{"unknown option '" + args[i] + "'" + ocifake::detail::did_you_mean(name, explore_flag_names)};
    }
    if (!flag->takes_value && value) throw usage_mistake{name + " takes no value"};
    if (flag->takes_value && !value) {
      if (i + 1 >= args.size()) throw usage_mistake{name + " needs a value"};
      value = args[++i];
    }
    flag->set(c, name, value.value_or(std::string()));
  }
  if (c.help) return c;
  if (i >= args.size()) throw usage_mistake{"explore needs -- and the command to run, as in: explore -- ./my-test"};
  c.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
  if (c.command.empty() || c.command[0].empty()) throw usage_mistake{"explore needs a command after --"};
  return c;
}

// Why `program` cannot be run, as posix_spawnp would look for it; empty when it can.
std::string cannot_run(const std::string& program) {
  auto runnable = [](const std::string& path) { return ::access(path.c_str(), X_OK) == 0; };
  if (program.find('/') != std::string::npos)
    return runnable(program) ? std::string() : program + ": " + std::strerror(errno);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t at = 0;
  for (;;) {
    auto colon = dirs.find(':', at);
    auto dir = dirs.substr(at, colon == std::string::npos ? std::string::npos : colon - at);
    if (runnable((dir.empty() ? "." : dir) + "/" + program)) return {};
    if (colon == std::string::npos) break;
    at = colon + 1;
  }
  return program + ": not found in PATH";
}

// The last `n` lines of `text`, without a final newline.
std::string last_lines(std::string text, std::size_t n) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::size_t at = text.size();
  for (std::size_t lines = 0; lines < n; ++lines) {
    auto nl = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
    if (nl == std::string::npos) return text;
    at = nl;
  }
  return text.substr(at + 1);
}

// The commands running, each the leader of its process group, so that SIGINT or SIGTERM stops
// them too: they run in groups of their own, where a terminal's Ctrl-C does not reach them.
std::mutex children_mutex;
std::vector<pid_t> children;

void stop_children_on_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // the threads started later inherit the mask
  std::thread([stop] {
    int sig = 0;
    sigwait(&stop, &sig);
    std::lock_guard lock(children_mutex);  // held to the end: no command starts after this
    for (auto pid : children) ::kill(-pid, SIGKILL);
    std::_Exit(128 + sig);
  }).detach();
}

// Runs `command` with OCIFAKE_ENDPOINT=endpoint, its stdout and stderr together on one pipe; a
// run passes when it exits 0. A command still running after `limit` is killed, with its children.
ocifake::detail::run_verdict run_command(const std::vector<std::string>& command, const std::string& endpoint,
                                         std::chrono::seconds limit) {
  std::vector<std::string> env_text{"OCIFAKE_ENDPOINT=" + endpoint};
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("OCIFAKE_ENDPOINT=", 0) != 0) env_text.emplace_back(*e);
  std::vector<char*> env;
  for (auto& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  std::vector<std::string> args = command;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A process group of its own, so that a timeout kills what it started too; SIGPIPE back to its
  // default (this program ignores it) and no signal blocked.
  sigset_t none, pipe_signal;
  sigemptyset(&none);
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &pipe_signal);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = 0;
  {
    std::lock_guard lock(children_mutex);
    rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), env.data());
    if (rc == 0) children.push_back(pid);
  }
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    throw std::runtime_error("cannot run " + command[0] + ": " + std::strerror(rc));
  }

  auto deadline = std::chrono::steady_clock::now() + limit;
  std::string output;
  bool open = true, timed_out = false;
  int status = 0;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (open) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 50))) > 0) {
        char buf[8192];
        auto n = ::read(out[0], buf, sizeof buf);
        if (n <= 0)
          open = false;
        else
          output.append(buf, static_cast<std::size_t>(n));
        if (output.size() > 256 * 1024) output.erase(0, output.size() - 128 * 1024);  // only the tail is kept
        continue;
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::int64_t>(left.count(), 5)));
    }
    // Its output may stay open in a process it left behind: the exit ends the run. (Not reaped
    // yet, so that its pid, and the group's, cannot be reused while `children` lists it.)
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) break;
  }
  if (timed_out) ::kill(-pid, SIGKILL);
  {
    std::lock_guard lock(children_mutex);
    children.erase(std::find(children.begin(), children.end(), pid));
  }
  ::waitpid(pid, &status, 0);
  for (pollfd p{out[0], POLLIN, 0}; open && ::poll(&p, 1, 0) > 0;) {  // what it wrote before it exited
    char buf[8192];
    auto n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);

  ocifake::detail::run_verdict verdict;
  verdict.output = last_lines(std::move(output), kept_lines);
  auto note = [&](const std::string& line) { verdict.output += (verdict.output.empty() ? "" : "\n") + line; };
  if (timed_out) {
    verdict.exit_code = 128 + SIGKILL;
    note("ocifake-server: killed after " + std::to_string(limit.count()) + " s (--run-timeout-s)");
  } else if (WIFEXITED(status)) {
    verdict.exit_code = WEXITSTATUS(status);
  } else {
    verdict.exit_code = 128 + WTERMSIG(status);
    note(std::string("ocifake-server: killed by signal ") + strsignal(WTERMSIG(status)));
  }
  verdict.passed = verdict.exit_code == 0;
  return verdict;
}

std::string last_line(const std::string& text) {
  auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

int explore_main(int argc, char** argv) {
  explore_cli c;
  try {
    c = parse_explore(argc, argv);
  } catch (const usage_mistake& m) {
    std::cerr << "ocifake-server explore: " << m.message << "\n\n" << explore_usage;
    return 2;
  }
  if (c.help) {
    std::cout << explore_usage;
    return 0;
  }
  if (auto why = cannot_run(c.command[0]); !why.empty()) {
    std::cerr << "ocifake-server explore: cannot run " << why << "\n";
    return 2;
  }
  stop_children_on_signals();
  auto& options = c.options;
  try {
    for (const auto& file : c.scenarios) options.scenarios.push_back(ocifake::scenario::load(file));
  } catch (const ocifake::error& e) {
    std::cerr << "ocifake-server explore: " << e.what() << "\n";
    return 2;
  }
  options.server.seed = c.seed;
  if (!options.server.seed)
    for (const auto& s : options.scenarios)
      if (s.seed()) options.server.seed = s.seed();

  // The progress line, on a terminal only: runs done, of the runs planned once the reference run
  // has shown its requests (at depth 2, second faults come on top).
  const bool progress = ::isatty(2) == 1;
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> planned{0};
  std::mutex progress_mutex;
  auto judge = [&](ocifake::server& fake) {
    auto verdict = run_command(c.command, fake.endpoint(), c.run_timeout);
    auto n = done.fetch_add(1);
    if (n == 0) {  // the reference run: its requests give the plan of depth 1
      std::size_t pairs = 0;
      for (const auto& e : fake.journal())
        if (const auto* op = ocifake::detail::find_operation(e.operation))
          for (auto kind : options.faults)
            if (kind != ocifake::fault_kind::lost || op->changes_state) ++pairs;
      planned = std::min(pairs, options.max_runs);
    }
    if (progress && n > 0) {
      std::lock_guard lock(progress_mutex);
      std::fprintf(stderr, "\rexplore: %zu runs done of %s%zu", n, options.depth == 2 ? "at least " : "",
                   planned.load());
      std::fflush(stderr);
    }
    return verdict;
  };

  ocifake::explore_result result;
  try {
    result = ocifake::detail::explore_with(options, judge);
  } catch (const ocifake::usage_error& e) {
    std::cerr << "ocifake-server explore: " << e.what() << "\n";
    return 2;
  } catch (const ocifake::error& e) {  // a server that could not start
    std::cerr << "ocifake-server explore: " << e.what() << "\n";
    return 1;
  }
  if (progress && done > 1) std::fputs("\r\033[K", stderr);

  if (!c.report.empty()) {
    std::ofstream out(c.report, std::ios::binary);
    out << boost::json::serialize(ocifake::detail::report_json(result)) << "\n";
    if (!out) {
      std::cerr << "ocifake-server explore: cannot write the report to " << c.report << "\n";
      return 2;
    }
  }
  if (!c.html.empty()) {
    std::ofstream out(c.html, std::ios::binary);
    out << result.to_html();
    if (!out) {
      std::cerr << "ocifake-server explore: cannot write the HTML report to " << c.html << "\n";
      return 2;
    }
  }
  if (!result.reference.passed) {
    const auto& ref = result.reference;
    std::cout << "the reference run (no fault) failed, so nothing was explored: exit "
              << (ref.exit_code ? std::to_string(*ref.exit_code) : "?") << "\n";
    if (!ref.message.empty()) std::cout << ref.message << "\n";
    return 3;
  }
  for (const auto* run : result.failures()) {
    std::cout << "FAIL " << ocifake::to_string(run->faults) << ": exit "
              << (run->exit_code ? std::to_string(*run->exit_code) : "?");
    if (auto line = last_line(run->message); !line.empty()) std::cout << ": " << line;
    std::cout << "\n";
  }
  std::cout << "explored " << result.runs.size() << " runs: " << result.passed() << " passed, " << result.failed()
            << " failed";
  if (!result.skipped.empty()) std::cout << ", " << result.skipped.size() << " skipped";
  if (result.cut) std::cout << ", " << result.cut << " cut by --max-runs";
  std::cout << " (reference run: " << result.requests.size()
            << (result.requests.size() == 1 ? " request)\n" : " requests)\n");
  return result.failed() == 0 ? 0 : 1;
}

}  // namespace

namespace {

int server_main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "explore") return explore_main(argc, argv);
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

}  // namespace

int main(int argc, char** argv) {
  // A parent that closes our pipes must not kill us with SIGPIPE; writes just fail.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return server_main(argc, argv);
  } catch (const std::exception& e) {  // anything else: said, never an abort
    std::cerr << "ocifake-server: " << e.what() << "\n";
    return 1;
  }
}
