#include "core/config/corpus_config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/analysis/language_id.hpp"
#include "core/index_layout.hpp"

namespace passage::config {
namespace fs = std::filesystem;
namespace {

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// The lower-cased host of an absolute http(s) URL, or empty when it is not one.
std::string http_host(std::string_view url) {
  std::string lower;
  for (char c : url.substr(0, 8)) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::size_t start = lower.rfind("http://", 0) == 0 ? 7 : lower.rfind("https://", 0) == 0 ? 8 : 0;
  if (start == 0) return {};
  std::size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  if (std::size_t at = authority.rfind('@'); at != authority.npos) authority.remove_prefix(at + 1);
  std::string host(authority.substr(0, authority.rfind(']') != authority.npos ? authority.rfind(']') + 1
                                                                             : authority.find(':')));
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

class Checker {
 public:
  explicit Checker(fs::path file) : file_(std::move(file)), base_(file_.parent_path()) {}

  void problem(int line, std::string msg) { problems_.push_back({line, std::move(msg)}); }
  std::vector<ConfigProblem>& problems() { return problems_; }

  fs::path resolve(std::string_view p) const {
    fs::path path(p);
    if (path.is_relative()) path = base_ / path;
    return path.lexically_normal();
  }

  std::optional<std::string> string_at(const toml::table& t, std::string_view key, int table_line,
                                       std::string_view where, bool required) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) problem(table_line, std::string(where) + ": missing required key '" + std::string(key) + "'");
      return std::nullopt;
    }
    if (!n->is_string()) {
      problem(line_of(*n), std::string(where) + ": '" + std::string(key) + "' must be a string");
      return std::nullopt;
    }
    return n->as_string()->get();
  }

  std::vector<std::string> strings_at(const toml::table& t, std::string_view key, std::string_view where) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) return out;
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      problem(line_of(*n), std::string(where) + ": '" + std::string(key) + "' must be an array of strings");
      return out;
    }
    for (const toml::node& e : *a) {
      if (!e.is_string()) {
        problem(line_of(e), std::string(where) + ": '" + std::string(key) + "' must contain only strings");
        continue;
      }
      out.push_back(e.as_string()->get());
    }
    return out;
  }

  void unknown_keys(const toml::table& t, std::initializer_list<std::string_view> known, std::string_view where) {
    for (const auto& [k, v] : t) {
      if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
        std::string list;
        for (auto kk : known) list += (list.empty() ? "" : ", ") + std::string(kk);
        problem(line_of(v), std::string(where) + ": unknown key '" + std::string(k.str()) + "' (expected one of: " + list + ")");
      }
    }
  }

  CorpusConfig run(const toml::table& root) {
    CorpusConfig cfg;
    cfg.file = file_;
    unknown_keys(root, {"index", "source", "kinds", "thesaurus", "server"}, "top level");
    if (auto th = string_at(root, "thesaurus", 1, "top level", false)) {
      cfg.thesaurus = resolve(*th);
      std::error_code ec;
      if (!fs::is_regular_file(cfg.thesaurus, ec))
        problem(line_of(*root.get("thesaurus")), "thesaurus file does not exist: " + *th);
    }

    cfg.kinds = builtin_kinds();
    for (const std::string& k : strings_at(root, "kinds", "top level")) {
      if (std::find(cfg.kinds.begin(), cfg.kinds.end(), k) == cfg.kinds.end()) cfg.kinds.push_back(k);
    }

    if (const toml::node* idx = root.get("index")) {
      if (const toml::table* t = idx->as_table()) {
        unknown_keys(*t, {"path", "shards", "shard"}, "[index]");
        if (auto p = string_at(*t, "path", line_of(*idx), "[index]", true)) cfg.index_path = resolve(*p);
        shard_keys(*t, line_of(*idx), cfg.index_path, cfg.shards);
      } else {
        problem(line_of(*idx), "'index' must be a table ([index])");
      }
    } else {
      problem(1, "missing [index] table with the index 'path'");
    }

    if (const toml::node* srv = root.get("server")) {
      if (const toml::table* t = srv->as_table()) {
        unknown_keys(*t, {"cors_origins", "admin_token", "admin_token_env"}, "[server]");
        cfg.server.cors_origins = strings_at(*t, "cors_origins", "[server]");
        if (auto v = string_at(*t, "admin_token", line_of(*srv), "[server]", false)) {
          cfg.server.admin_token = *v;
          if (v->size() < 16) problem(line_of(*t->get("admin_token")), "[server]: 'admin_token' must be at least 16 characters");
        }
        if (auto v = string_at(*t, "admin_token_env", line_of(*srv), "[server]", false)) cfg.server.admin_token_env = *v;
      } else {
        problem(line_of(*srv), "'server' must be a table ([server])");
      }
    }

    const toml::node* src = root.get("source");
    if (src == nullptr) {
      problem(1, "no [[source]] declared: a config needs at least one source");
      return cfg;
    }
    const toml::array* arr = src->as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) {
      problem(line_of(*src), "'source' must be an array of tables ([[source]])");
      return cfg;
    }
    std::set<std::string> names;
    for (const toml::node& n : *arr) {
      const toml::table& t = *n.as_table();
      int line = line_of(n);
      Source s;
      std::string where = "[[source]]";
      if (auto name = string_at(t, "name", line, where, true)) {
        s.name = *name;
        where = "source '" + s.name + "'";
        bool ok = !s.name.empty() && std::all_of(s.name.begin(), s.name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        });
        if (!ok) problem(line_of(*t.get("name")), where + ": name must use only a-z, 0-9, '-' and '_'");
        if (!names.insert(s.name).second) problem(line_of(*t.get("name")), where + ": duplicate source name");
      }
      unknown_keys(t, {"name", "kind", "organisation", "root", "include", "exclude", "language", "facets", "seeds",
                       "sitemap", "allow_hosts", "include_urls", "exclude_urls", "max_depth", "max_pages", "delay_ms",
                       "timeout_s", "max_bytes", "user_agent"},
                   where);
      if (auto kind = string_at(t, "kind", line, where, true)) {
        s.kind = *kind;
        if (std::find(cfg.kinds.begin(), cfg.kinds.end(), s.kind) == cfg.kinds.end()) {
          std::string list;
          for (const auto& k : cfg.kinds) list += (list.empty() ? "" : ", ") + k;
          problem(line_of(*t.get("kind")), where + ": bad kind '" + s.kind + "' (known kinds: " + list +
                                               "; add more with top-level kinds = [...])");
        }
      }
      if (auto org = string_at(t, "organisation", line, where, true)) s.organisation = *org;
      web_keys(t, line, where, s.web);
      bool web = t.get("seeds") != nullptr || t.get("sitemap") != nullptr;
      if (web && t.get("root") != nullptr) {
        problem(line_of(*t.get("root")), where + ": give either 'root' (a folder) or 'seeds'/'sitemap' (a web site), not both");
      } else if (!web) {
        for (std::string_view k : kWebOnlyKeys)
          if (const toml::node* n = t.get(k))
            problem(line_of(*n), where + ": '" + std::string(k) + "' needs a web source ('seeds' or 'sitemap' instead of 'root')");
        if (auto root_dir = string_at(t, "root", line, where, false)) {
          s.root = resolve(*root_dir);
          std::error_code ec;
          if (!fs::is_directory(s.root, ec))
            problem(line_of(*t.get("root")), where + ": root folder does not exist: " + *root_dir);
        } else if (t.get("root") == nullptr) {
          problem(line, where + ": missing required key 'root' (a folder), or 'seeds'/'sitemap' (a web site)");
        }
      }
      s.include = strings_at(t, "include", where);
      s.exclude = strings_at(t, "exclude", where);
      if (web)
        for (std::string_view k : {"include", "exclude"})
          if (const toml::node* n = t.get(k))
            problem(line_of(*n), where + ": '" + std::string(k) + "' globs are for folders; a web source uses 'include_urls'/'exclude_urls'");
      if (auto lang = string_at(t, "language", line, where, false)) {
        if (*lang == "auto") {
          s.language = "auto";
        } else {
          std::string code = analysis::normalize_language_tag(*lang);
          if (code.empty() || code != *lang)
            problem(line_of(*t.get("language")), where + ": language must be \"auto\" or an ISO 639-1 code such as \"de\", not '" + *lang + "'");
          else
            s.language = code;
        }
      }
      if (const toml::node* f = t.get("facets")) {
        if (const toml::table* ft = f->as_table()) {
          for (const auto& [k, v] : *ft) {
            std::string key(k.str());
            static const std::set<std::string> reserved{"kind", "organisation", "language", "year", "source", "concept", "author", "title"};
            if (reserved.count(key)) {
              problem(line_of(v), where + ": facet '" + key + "' is built in and cannot be declared");
            } else if (!v.is_string()) {
              problem(line_of(v), where + ": facet '" + key + "' must be a string");
            } else {
              s.facets[key] = v.as_string()->get();
            }
          }
        } else {
          problem(line_of(*f), where + ": 'facets' must be a table ([source.facets])");
        }
      }
      cfg.sources.push_back(std::move(s));
    }
    return cfg;
  }

  static constexpr std::array<std::string_view, 9> kWebOnlyKeys{
      "allow_hosts", "include_urls", "exclude_urls", "max_depth", "max_pages",
      "delay_ms",    "timeout_s",    "max_bytes",    "user_agent"};

  // [index] shards = N and [[index.shard]] (one table per shard, in order).
  void shard_keys(const toml::table& t, int line, const fs::path& index_path,
                  std::vector<ShardSettings>& out) {
    std::int64_t count = 0;
    if (const toml::node* n = t.get("shards")) {
      integer_at(t, "shards", "[index]", 1, count);
      if (count > static_cast<std::int64_t>(kMaxShards)) {
        problem(line_of(*n), "[index]: 'shards' must be at most " + std::to_string(kMaxShards));
        count = 0;
      }
    }
    std::vector<ShardSettings> listed;
    if (const toml::node* n = t.get("shard")) {
      const toml::array* arr = n->as_array();
      if (arr == nullptr || !arr->is_array_of_tables()) {
        problem(line_of(*n), "[index]: 'shard' must be an array of tables ([[index.shard]])");
      } else {
        std::map<std::string, int> seen;  // address -> shard number
        std::map<fs::path, int> seen_paths;  // folder -> shard number
        for (const toml::node& e : *arr) {
          const toml::table& st = *e.as_table();
          const std::string where = "[[index.shard]] " + std::to_string(listed.size());
          unknown_keys(st, {"path", "remote", "timeout_ms"}, where);
          ShardSettings s;
          if (auto p = string_at(st, "path", line_of(e), where, false)) {
            fs::path folder = resolve(*p);
            if (!folder.has_filename()) folder = folder.parent_path();  // "disk2/" is "disk2"
            const int at = line_of(*st.get("path"));
            if (p->empty()) {
              problem(at, where + ": 'path' must not be empty");
            } else if (!index_path.empty() && folder == index_path.lexically_normal()) {
              problem(at, where + ": 'path' is the index folder itself: leave 'path' out for that");
            } else if (auto [it, fresh] = seen_paths.emplace(folder, static_cast<int>(listed.size()));
                       !fresh) {
              problem(at, where + ": path '" + *p + "' is already shard " +
                              std::to_string(it->second) + "'s folder");
            } else {
              s.path = folder;
            }
          }
          if (auto r = string_at(st, "remote", line_of(e), where, false)) {
            if (auto addr = layout::parse_address(*r); !addr) {
              problem(line_of(*st.get("remote")), where + ": " + addr.error().message);
            } else if (auto [it, fresh] = seen.emplace(*r, static_cast<int>(listed.size()));
                       !fresh) {
              problem(
                  line_of(*st.get("remote")),
                  where + ": remote '" + *r + "' is already shard " + std::to_string(it->second));
            } else {
              s.remote = *r;
            }
          }
          integer_at(st, "timeout_ms", where, 1, s.timeout_ms);
          if (st.get("timeout_ms") != nullptr && st.get("remote") == nullptr)
            problem(line_of(*st.get("timeout_ms")),
                    where + ": 'timeout_ms' applies to a remote shard only");
          listed.push_back(std::move(s));
        }
        if (listed.size() > kMaxShards)
          problem(line_of(*n),
                  "[index]: at most " + std::to_string(kMaxShards) + " [[index.shard]] tables");
      }
    }
    if (count > 0 && !listed.empty() && static_cast<std::size_t>(count) != listed.size())
      problem(line, "[index]: shards = " + std::to_string(count) + " but " +
                        std::to_string(listed.size()) +
                        " [[index.shard]] tables: give one table per shard, or only 'shards'");
    if (!listed.empty())
      out = std::move(listed);
    else if (count > 0)
      out.assign(static_cast<std::size_t>(count), ShardSettings{});
  }

  // An integer key with a lower bound; out keeps its default when the key is absent or bad.
  template <class T>
  void integer_at(const toml::table& t, std::string_view key, std::string_view where, std::int64_t min, T& out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (!n->is_integer()) {
      problem(line_of(*n), std::string(where) + ": '" + std::string(key) + "' must be an integer");
      return;
    }
    std::int64_t v = n->as_integer()->get();
    if (v < min) {
      problem(line_of(*n), std::string(where) + ": '" + std::string(key) + "' must be at least " + std::to_string(min));
      return;
    }
    out = static_cast<T>(v);
  }

  void url_list(const toml::table& t, std::string_view key, std::string_view where, std::vector<std::string>& out) {
    out = strings_at(t, key, where);
    for (const std::string& u : out)
      if (http_host(u).empty())
        problem(line_of(*t.get(key)), std::string(where) + ": '" + std::string(key) + "' must hold absolute http:// or https:// URLs, not '" + u + "'");
  }

  void regex_list(const toml::table& t, std::string_view key, std::string_view where, std::vector<std::string>& out) {
    out = strings_at(t, key, where);
    for (const std::string& r : out) {
      if (r.size() > 500) {  // libstdc++'s regex recurses: keep patterns small
        problem(line_of(*t.get(key)), std::string(where) + ": '" + std::string(key) + "': regular expression longer than 500 characters");
        continue;
      }
      try {
        std::regex re(r, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        problem(line_of(*t.get(key)), std::string(where) + ": '" + std::string(key) + "': bad regular expression '" + r + "': " + e.what());
      }
    }
  }

  // The web-source keys (seeds, sitemap and the crawl settings).
  void web_keys(const toml::table& t, int line, const std::string& where, WebSettings& w) {
    url_list(t, "seeds", where, w.seeds);
    if (auto sm = string_at(t, "sitemap", line, where, false)) {
      w.sitemap = *sm;
      if (http_host(*sm).empty())
        problem(line_of(*t.get("sitemap")), where + ": 'sitemap' must be an absolute http:// or https:// URL, not '" + *sm + "'");
    }
    if (const toml::node* n = t.get("seeds"); n != nullptr && n->is_array() && w.seeds.empty() && w.sitemap.empty())
      problem(line_of(*n), where + ": 'seeds' is empty (give at least one URL, or a 'sitemap')");
    w.allow_hosts = strings_at(t, "allow_hosts", where);
    for (std::string& h : w.allow_hosts) {
      for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (h.empty() || h.find_first_of("/:?#@ ") != std::string::npos)
        problem(line_of(*t.get("allow_hosts")), where + ": 'allow_hosts' must hold bare host names such as \"example.org\", not '" + h + "'");
    }
    if (w.allow_hosts.empty()) {
      for (const std::string& u : w.seeds)
        if (std::string h = http_host(u); !h.empty() && std::find(w.allow_hosts.begin(), w.allow_hosts.end(), h) == w.allow_hosts.end())
          w.allow_hosts.push_back(h);
      if (std::string h = http_host(w.sitemap); !h.empty() && std::find(w.allow_hosts.begin(), w.allow_hosts.end(), h) == w.allow_hosts.end())
        w.allow_hosts.push_back(h);
    }
    regex_list(t, "include_urls", where, w.include_urls);
    regex_list(t, "exclude_urls", where, w.exclude_urls);
    integer_at(t, "max_depth", where, 0, w.max_depth);
    integer_at(t, "max_pages", where, 1, w.max_pages);
    integer_at(t, "delay_ms", where, 0, w.delay_ms);
    integer_at(t, "max_bytes", where, 1024, w.max_bytes);
    if (const toml::node* n = t.get("timeout_s")) {
      std::optional<double> v;
      if (n->is_integer()) v = static_cast<double>(n->as_integer()->get());
      if (n->is_floating_point()) v = n->as_floating_point()->get();
      if (!v || !(*v > 0) || *v > 3600)
        problem(line_of(*n), where + ": 'timeout_s' must be a number of seconds above 0 and at most 3600");
      else
        w.timeout_s = *v;
    }
    if (auto ua = string_at(t, "user_agent", line, where, false)) {
      if (ua->empty() || ua->find_first_of("\r\n") != std::string::npos)
        problem(line_of(*t.get("user_agent")), where + ": 'user_agent' must be one non-empty line");
      else
        w.user_agent = *ua;
    }
  }

 private:
  fs::path file_;
  fs::path base_;
  std::vector<ConfigProblem> problems_;
};

std::string format_problems(const fs::path& file, const std::vector<ConfigProblem>& problems) {
  std::ostringstream out;
  out << file.string() << ": " << problems.size() << (problems.size() == 1 ? " problem" : " problems");
  for (const auto& p : problems) out << "\n" << file.string() << ":" << p.line << ": " << p.message;
  return out.str();
}

struct Parsed {
  CorpusConfig config;
  std::vector<ConfigProblem> problems;
};

Parsed parse_and_check(std::string_view text, const fs::path& file) {
  Parsed out;
  Checker checker(file);
  try {
    toml::table root = toml::parse(text, file.string());
    out.config = checker.run(root);
  } catch (const toml::parse_error& e) {
    checker.problem(static_cast<int>(e.source().begin.line), "TOML syntax error: " + std::string(e.description()));
  }
  out.problems = std::move(checker.problems());
  std::stable_sort(out.problems.begin(), out.problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; });
  return out;
}

}  // namespace

std::vector<std::string> CorpusConfig::facet_names() const {
  std::set<std::string> names;
  for (const auto& s : sources)
    for (const auto& [k, v] : s.facets) names.insert(k);
  return {names.begin(), names.end()};
}

std::vector<ConfigProblem> check_config(std::string_view text, const fs::path& file) {
  return parse_and_check(text, file).problems;
}

Result<CorpusConfig> parse_config(std::string_view text, const fs::path& file) {
  Parsed p = parse_and_check(text, fs::absolute(file));
  if (!p.problems.empty()) return make_error(ErrorCode::kInvalidArgument, format_problems(file, p.problems));
  return std::move(p.config);
}

Result<CorpusConfig> load_config(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "cannot read config file " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return parse_config(s.str(), file);
}

}  // namespace passage::config
