#pragma once
// corpus-config: the declarative description of an index and its sources, read from TOML and
// validated into plain structs. Every problem is reported with its line, all at once.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace passage::config {

/// Source kinds every config accepts; a config may add its own with `kinds = [...]`.
inline const std::vector<std::string>& builtin_kinds() {
  static const std::vector<std::string> k{"working-paper", "blog", "report", "city-network-document"};
  return k;
}

/// A web source: crawled over HTTP(S) from seed URLs and/or a sitemap instead of a local root.
struct WebSettings {
  std::vector<std::string> seeds;         // absolute http(s) URLs
  std::string sitemap;                    // URL of a sitemap.xml or sitemap index; empty = none
  std::vector<std::string> allow_hosts;   // hosts the crawl may visit; default: the seeds' and sitemap's
  std::vector<std::string> include_urls;  // ECMAScript regexes searched in the canonical URL; empty = all
  std::vector<std::string> exclude_urls;  // ECMAScript regexes; a match excludes the URL
  int max_depth = 3;                      // link hops from a seed or sitemap entry
  std::size_t max_pages = 1000;           // documents requested per run (robots.txt, sitemaps not counted)
  int delay_ms = 1000;                    // pause between two requests to one host (robots Crawl-delay may raise it)
  double timeout_s = 30;                  // connect timeout, and longest silence while reading a response
  std::size_t max_bytes = 50u << 20;      // larger bodies are aborted and skipped as "too large"
  std::string user_agent = "passage-crawler/0.1";
  bool enabled() const { return !seeds.empty() || !sitemap.empty(); }
};

struct Source {
  std::string name;
  std::string kind;
  std::string organisation;
  std::filesystem::path root;          // absolute (resolved against the config file's folder); empty for web sources
  WebSettings web;                     // set instead of root for a web source
  bool is_web() const { return web.enabled(); }
  std::vector<std::string> include;    // globs relative to root; empty = every supported file
  std::vector<std::string> exclude;    // globs relative to root
  std::string language = "auto";       // "auto" or an ISO 639-1 code fixed for the source
  std::map<std::string, std::string> facets;  // declared facet name -> value for every document
};

/// The optional [server] table: settings for `passage serve --config FILE`.
struct ServerSettings {
  std::vector<std::string> cors_origins;  // Origins allowed to call the API from a browser ("*" = any)
  std::string admin_token;                // bearer token for /api/admin/* (prefer admin_token_env)
  std::string admin_token_env;            // name of an environment variable holding the token
};

/// One shard of a sharded index ([index] shards = N and/or [[index.shard]]). Every shard is written
/// by `passage index` on the indexing machine: under the index folder, or under its own `path`
/// (another disk); a shard with `remote` is read by searchers over Xapian's remote protocol from a
/// shard server (`passage shard serve INDEX/shard-K`).
struct ShardSettings {
  std::filesystem::path path;  // absolute folder holding this shard's generations; empty = the index folder
  std::string remote;     // "host:port"; empty = searchers open the local files
  int timeout_ms = 2000;  // remote: longest wait for the shard server's answer
};

/// Most shards one index may have.
inline constexpr std::size_t kMaxShards = 64;

struct CorpusConfig {
  std::filesystem::path file;           // where it was read from
  std::filesystem::path index_path;     // absolute
  std::vector<ShardSettings> shards{1};  // one entry per shard, in shard order (at least one)
  std::filesystem::path thesaurus;      // absolute; empty when the config names none
  std::vector<std::string> kinds;       // builtin + declared
  std::vector<Source> sources;
  ServerSettings server;
  /// Names of the declared extra facets (union of every source's facet keys, sorted).
  std::vector<std::string> facet_names() const;
};

/// One problem found in a config file.
struct ConfigProblem {
  int line = 0;  // 1-based; 0 when unknown
  std::string message;
};

/// Parses and validates. On failure the Error message lists every problem as
/// "FILE:LINE: message", one per line.
Result<CorpusConfig> load_config(const std::filesystem::path& file);

/// As load_config, from text (file is used for messages and to resolve relative paths).
Result<CorpusConfig> parse_config(std::string_view toml_text, const std::filesystem::path& file);

/// Every problem in a config (empty when it is valid).
std::vector<ConfigProblem> check_config(std::string_view toml_text, const std::filesystem::path& file);

/// Glob match of a relative path ('/' separated): `*` and `?` stay within a path segment, `**`
/// matches any number of segments, `[abc]` a character class.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace passage::config
