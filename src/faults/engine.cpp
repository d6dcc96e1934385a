// Rule matching, triggers and counters. The rule's form and validation live in fault.cpp.

#include "faults/engine.hpp"

#include <algorithm>
#include <utility>

#include <ocifake/error.hpp>

namespace ocifake::detail {

namespace {

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// splitmix64's finalizer: spreads a seed and a hash that differ in few bits over all 64.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// From the server seed and what identifies the rule itself, never its position or generated id,
// so adding or removing other rules leaves its draws alone. Written out rather than std::hash so a
// seed gives the same firings on every platform.
std::uint64_t stream_seed(std::uint64_t seed, const fault& rule) {
  std::string key = rule.rule_id().empty() ? "rule:" + rule.to_json() : "id:" + rule.rule_id();
  return mix(seed ^ mix(fnv1a(key)));
}

// Uniform in [0, 1) from the top 53 bits; std::uniform_real_distribution's algorithm differs
// between standard libraries.
double draw(std::mt19937_64& stream) { return static_cast<double>(stream() >> 11) * 0x1.0p-53; }

bool matches(const fault& rule, const fault_request& req) {
  const auto& ops = rule.operations();
  if (std::none_of(ops.begin(), ops.end(), [&](const std::string& op) { return op == "*" || op == req.operation; }))
    return false;
  if (!rule.resource_id().empty() && rule.resource_id() != req.resource) return false;
  if (!rule.header_name().empty()) {
    if (!req.header) return false;
    auto value = req.header(rule.header_name());
    if (!value || *value != rule.header_value()) return false;
  }
  return true;
}

[[noreturn]] void duplicate_id(const std::string& path, const std::string& id) {
  throw invalid_input("<rule>", path + ".id", "an id no other rule has (\"" + id + "\" is taken)");
}

}  // namespace

fault_engine::fault_engine(std::uint64_t seed, const ocifake::clock& clk) : seed_(seed), clock_(&clk) {}

std::uint64_t fault_engine::reseed(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  return std::exchange(seed_, seed);
}

bool fault_engine::id_taken(std::string_view id) const {
  return std::any_of(rules_.begin(), rules_.end(), [&](const rule_state& r) { return r.id == id; });
}

fault_engine::rule_state fault_engine::make_state(const fault& rule, std::string id,
                                                  ocifake::clock::time_point now) const {
  // truncate and slowBody act on an answer, so they come after the commit unless told otherwise.
  auto action = rule.action();
  bool on_answer = action && (*action == fault_action::truncate || *action == fault_action::slow_body);
  auto timing = rule.timing().value_or(on_answer ? fault_timing::after_commit : fault_timing::before);
  return rule_state{std::move(id), rule, 0, 0, now, std::mt19937_64(stream_seed(seed_, rule)), timing};
}

std::string fault_engine::next_generated_id(const std::vector<std::string>& also_taken) {
  for (;;) {
    std::string id = "r" + std::to_string(next_id_++);
    if (!id_taken(id) && std::find(also_taken.begin(), also_taken.end(), id) == also_taken.end()) return id;
  }
}

std::string fault_engine::add(const fault& rule) {
  validate_rule(rule);
  auto now = clock_->now();
  std::lock_guard lock(mutex_);
  std::string id = rule.rule_id();
  if (!id.empty() && id_taken(id))
    throw invalid_input(builder_source(rule), ".id(\"" + id + "\")", "an id no other rule has (it is taken)");
  if (id.empty()) id = next_generated_id({});
  rules_.push_back(make_state(rule, id, now));
  return id;
}

std::vector<std::string> fault_engine::add_json(std::string_view json) { return add_parsed(parse_rules(json)); }

std::vector<std::string> fault_engine::add_parsed(const std::vector<parsed_rule>& parsed) {
  auto now = clock_->now();
  std::lock_guard lock(mutex_);

  // Named rules first, so a generated id never takes a name that a later rule of the batch asks for.
  std::vector<std::string> named;
  for (const auto& p : parsed) {
    const auto& id = p.rule.rule_id();
    if (id.empty()) continue;
    if (id_taken(id) || std::find(named.begin(), named.end(), id) != named.end()) duplicate_id(p.path, id);
    named.push_back(id);
  }

  // Nothing below refuses a rule: the batch goes in whole.
  auto saved_next_id = next_id_;
  try {
    std::vector<rule_state> fresh;
    std::vector<std::string> ids;
    fresh.reserve(parsed.size());
    ids.reserve(parsed.size());
    for (const auto& p : parsed) {
      ids.push_back(p.rule.rule_id().empty() ? next_generated_id(named) : p.rule.rule_id());
      fresh.push_back(make_state(p.rule, ids.back(), now));
    }
    rules_.reserve(rules_.size() + fresh.size());
    for (auto& s : fresh) rules_.push_back(std::move(s));
    return ids;
  } catch (...) {
    next_id_ = saved_next_id;
    throw;
  }
}

std::vector<fault_status> fault_engine::list() const {
  std::lock_guard lock(mutex_);
  std::vector<fault_status> out;
  out.reserve(rules_.size());
  for (const auto& r : rules_) out.push_back({r.id, r.rule, r.matched, r.fired});
  return out;
}

bool fault_engine::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(rules_.begin(), rules_.end(), [&](const rule_state& r) { return r.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

void fault_engine::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  next_id_ = 1;
}

std::optional<fault_decision> fault_engine::decide(const fault_request& req) {
  auto now = clock_->now();
  std::lock_guard lock(mutex_);
  for (auto& r : rules_) {
    if (!matches(r.rule, req)) continue;
    ++r.matched;
    if (r.matched <= r.rule.skip_count()) continue;
    if (auto times = r.rule.times_count(); times && r.fired >= *times) continue;
    bool fire = true;
    // Drawn for every match that could fire, in or out of the window, so the n-th eligible match
    // gets the n-th draw whatever the clock says.
    if (auto p = r.rule.probability_value()) fire = draw(r.stream) < *p;
    if (r.rule.window_from() && r.rule.window_to()) {
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - r.added_at);
      fire = fire && elapsed >= *r.rule.window_from() && elapsed < *r.rule.window_to();
    }
    if (!fire) continue;
    ++r.fired;
    return fault_decision{r.id, r.rule, r.timing};
  }
  return std::nullopt;
}

}  // namespace ocifake::detail
