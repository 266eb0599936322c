#include "indexer/crawl/robots.hpp"

#include <algorithm>
#include <cstdlib>

namespace passage::crawl {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string product_token(std::string_view user_agent) {
  std::size_t end = user_agent.find_first_of("/ ");
  return lower(user_agent.substr(0, end));
}

struct Group {
  std::vector<std::string> agents;
  std::vector<std::pair<bool, std::string>> rules;
  std::optional<double> crawl_delay;
};

}  // namespace

bool robots_pattern_matches(std::string_view pattern, std::string_view path) {
  // reach[j]: the pattern read so far can match path[0, j).
  std::vector<char> reach(path.size() + 1, 0), next(path.size() + 1, 0);
  reach[0] = 1;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '$' && i + 1 == pattern.size()) return reach[path.size()] != 0;
    std::fill(next.begin(), next.end(), 0);
    if (c == '*') {
      char any = 0;
      for (std::size_t j = 0; j <= path.size(); ++j) {
        any = static_cast<char>(any | reach[j]);
        next[j] = any;
      }
    } else {
      for (std::size_t j = 0; j < path.size(); ++j)
        if (reach[j] && path[j] == c) next[j + 1] = 1;
    }
    reach.swap(next);
  }
  return std::any_of(reach.begin(), reach.end(), [](char r) { return r != 0; });
}

RobotsRules RobotsRules::disallow_all() {
  RobotsRules r;
  r.rules_.push_back({false, "/"});
  return r;
}

RobotsRules RobotsRules::parse(std::string_view text, std::string_view user_agent) {
  std::vector<Group> groups;
  bool in_agents = false;  // the previous line was a User-agent line
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents || groups.empty()) groups.emplace_back();
      groups.back().agents.push_back(lower(value));
      in_agents = true;
      continue;
    }
    in_agents = false;
    if (groups.empty()) continue;  // rules before any User-agent line belong to no group
    if (key == "allow" || key == "disallow") {
      if (value.empty()) continue;  // "Disallow:" alone allows everything
      groups.back().rules.emplace_back(key == "allow", std::string(value));
    } else if (key == "crawl-delay") {
      char* stop = nullptr;
      std::string v(value);
      double d = std::strtod(v.c_str(), &stop);
      if (stop != v.c_str() && d >= 0) groups.back().crawl_delay = d;
    }
  }

  const std::string token = product_token(user_agent);
  std::size_t best = 0;  // length of the best matching agent name; 0 = only '*'
  for (const Group& g : groups)
    for (const std::string& a : g.agents)
      if (a != "*" && !a.empty() && token.rfind(a, 0) == 0) best = std::max(best, a.size());
  RobotsRules out;
  for (const Group& g : groups) {
    bool chosen = std::any_of(g.agents.begin(), g.agents.end(), [&](const std::string& a) {
      return best == 0 ? a == "*" : (a.size() == best && token.rfind(a, 0) == 0);
    });
    if (!chosen) continue;
    for (const auto& [allow, pattern] : g.rules) out.rules_.push_back({allow, pattern});
    if (g.crawl_delay) out.crawl_delay_ = std::max(out.crawl_delay_.value_or(0), *g.crawl_delay);
  }
  return out;
}

bool RobotsRules::allowed(std::string_view path) const {
  if (path == "/robots.txt") return true;
  const Rule* best = nullptr;
  for (const Rule& r : rules_) {
    if (!robots_pattern_matches(r.pattern, path)) continue;
    if (best == nullptr || r.pattern.size() > best->pattern.size() ||
        (r.pattern.size() == best->pattern.size() && r.allow && !best->allow))
      best = &r;
  }
  return best == nullptr || best->allow;
}

}  // namespace passage::crawl
