#include "indexer/crawl/crawler.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include "indexer/crawl/fetcher.hpp"
#include "indexer/crawl/links.hpp"
#include "indexer/crawl/robots.hpp"
#include "indexer/crawl/scope.hpp"
#include "indexer/crawl/sitemap.hpp"
#include "indexer/crawl/url.hpp"

namespace passage::crawl {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxRedirects = 5;
constexpr std::size_t kMaxSitemaps = 100;                 // sitemap files read per run
constexpr std::size_t kMaxRobotsBytes = 512 * 1024;       // RFC 9309 asks for at least 500 KiB
constexpr std::chrono::milliseconds kMaxCrawlDelay{60000};  // a robots.txt Crawl-delay is capped here

enum class Kind { kPdf, kHtml, kText, kMarkdown, kUnknown };

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

// The document's format: a PDF's magic bytes win, then the Content-Type header, then the
// magic bytes of HTML for a missing or generic type.
Kind sniff(std::string_view content_type, std::string_view body) {
  std::string mime = lower(content_type.substr(0, content_type.find(';')));
  while (!mime.empty() && mime.back() == ' ') mime.pop_back();
  std::string_view head = body.substr(0, 1024);
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  if (head.substr(0, 5) == "%PDF-") return Kind::kPdf;
  while (!head.empty() && (head.front() == ' ' || head.front() == '\n' || head.front() == '\r' || head.front() == '\t'))
    head.remove_prefix(1);
  const bool html_magic = starts_with_ci(head, "<!doctype html") || starts_with_ci(head, "<html");
  if (mime == "text/html" || mime == "application/xhtml+xml") return Kind::kHtml;
  if (mime == "application/pdf") return Kind::kPdf;
  if (mime == "text/markdown" || mime == "text/x-markdown") return Kind::kMarkdown;
  if (mime == "text/plain") return html_magic ? Kind::kHtml : Kind::kText;
  if ((mime.empty() || mime == "application/octet-stream" || mime == "binary/octet-stream") && html_magic)
    return Kind::kHtml;
  return Kind::kUnknown;
}

const char* extension(Kind k) {
  switch (k) {
    case Kind::kPdf: return ".pdf";
    case Kind::kHtml: return ".html";
    case Kind::kMarkdown: return ".md";
    default: return ".txt";
  }
}

std::string body_hash(std::string_view body) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

class Crawl {
 public:
  Crawl(const config::WebSettings& web, const std::map<std::string, std::string>& known,
        const std::vector<std::pair<std::string, int>>& frontier, const std::filesystem::path& spool,
        const std::function<void(const std::string&)>& on_request)
      : web_(web),
        known_(known),
        frontier_(frontier),
        spool_(spool),
        on_request_(on_request),
        scope_(web),
        fetcher_(FetchOptions{web.user_agent,
                              std::chrono::milliseconds(static_cast<long long>(web.timeout_s * 1000)),
                              web.max_bytes}) {}

  CrawlResult run() {
    auto started = Clock::now();
    for (const std::string& seed : web_.seeds) {
      std::optional<std::string> url = canonical_url(seed);
      if (!url) {
        out_.skipped.push_back({seed, "not an http(s) URL"});
      } else if (auto why = scope_.refuse(*url)) {
        out_.skipped.push_back({*url, "seed out of scope: " + *why});
      } else {
        enqueue(*url, 0);
      }
    }
    if (!web_.sitemap.empty()) read_sitemaps();
    // Known pages are revisited at their old depth: a page linking to them may answer 304, and
    // then its links are not seen again.
    for (const auto& [url, signature] : known_) {
      if (scope_.refuse(url)) continue;
      std::optional<schema::WebSignature> sig = schema::parse_web_signature(signature);
      enqueue(url, std::min(sig ? sig->depth : web_.max_depth, web_.max_depth));
    }
    for (const auto& [url, depth] : frontier_)
      if (!scope_.refuse(url)) enqueue(url, std::clamp(depth, 0, web_.max_depth));

    std::size_t pages = 0;
    while (!queue_.empty()) {
      auto level = queue_.begin();
      auto [url, depth] = std::pair{level->second.front(), level->first};
      if (done_.count(url)) {
        pop();
        continue;
      }
      if (pages >= web_.max_pages) break;
      pop();
      ++pages;
      visit(url, depth);
    }
    // Whatever is still queued was not reached: known pages among it stay in the index.
    for (const auto& [depth, urls] : queue_) {
      for (const std::string& url : urls) {
        if (done_.count(url)) continue;
        if (known_.count(url)) out_.kept.push_back(url);
        else remember(url, depth);
      }
    }
    out_.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return std::move(out_);
  }

 private:
  struct Host {
    std::optional<RobotsRules> robots;
    std::string robots_problem;  // why robots.txt could not be read (then everything is disallowed)
    std::chrono::milliseconds delay{0};
    Clock::time_point next{};
  };

  // Queues a URL once; a URL still waiting moves up when it is found closer to a seed.
  void enqueue(const std::string& url, int depth) {
    auto [it, added] = queued_.try_emplace(url, depth);
    if (!added) {
      if (depth >= it->second || done_.count(url)) return;
      auto level = queue_.find(it->second);
      if (level != queue_.end()) {
        auto pos = std::find(level->second.begin(), level->second.end(), url);
        if (pos != level->second.end()) level->second.erase(pos);
        if (level->second.empty()) queue_.erase(level);
      }
      it->second = depth;
    }
    queue_[depth].push_back(url);
  }

  // A failure that may pass: an indexed page stays, another is tried again next time.
  void transient(const std::string& url, int depth) {
    if (known_.count(url)) out_.kept.push_back(url);
    else remember(url, depth);
  }

  void remember(const std::string& url, int depth) {
    if (out_.frontier.size() < web_.max_pages * 10) out_.frontier.emplace_back(url, depth);
  }

  void pop() {
    auto level = queue_.begin();
    level->second.pop_front();
    if (level->second.empty()) queue_.erase(level);
  }

  Host& host(const std::string& origin) {
    auto [it, added] = hosts_.try_emplace(origin);
    if (added) it->second.delay = std::chrono::milliseconds(web_.delay_ms);
    return it->second;
  }

  // One request, after waiting for the host's turn.
  FetchResult request(const std::string& url, const Validators& validators, std::size_t max_bytes) {
    std::optional<UrlParts> parts = url_parts(url);
    Host* h = parts ? &host(parts->origin) : nullptr;
    if (h != nullptr) std::this_thread::sleep_until(h->next);
    FetchResult res = fetcher_.get(url, validators, max_bytes);
    ++out_.requests;
    out_.bytes += res.body.size();
    if (h != nullptr) h->next = Clock::now() + h->delay;
    return res;
  }

  // A GET that follows up to kMaxRedirects redirects anywhere (robots.txt and sitemaps).
  FetchResult get_following(std::string url, std::size_t max_bytes) {
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
      FetchResult res = request(url, {}, max_bytes);
      if (res.outcome != FetchOutcome::kRedirect) return res;
      std::optional<std::string> target = canonical_url(res.location, url);
      if (!target) {
        res.outcome = FetchOutcome::kError;
        res.error = "bad redirect location";
        return res;
      }
      url = *target;
    }
    FetchResult res;
    res.error = "too many redirects";
    return res;
  }

  const Host& robots_for(const UrlParts& parts) {
    Host& h = host(parts.origin);
    if (h.robots) return h;
    FetchResult res = get_following(parts.origin + "/robots.txt", kMaxRobotsBytes);
    if (res.outcome == FetchOutcome::kOk) {
      h.robots = RobotsRules::parse(res.body, web_.user_agent);
    } else if ((res.outcome == FetchOutcome::kHttpError && res.status >= 400 && res.status < 500) ||
               res.outcome == FetchOutcome::kTooLarge) {
      h.robots = RobotsRules::allow_all();  // no robots.txt: everything is allowed
    } else {
      h.robots = RobotsRules::disallow_all();
      h.robots_problem = res.error;
    }
    if (auto delay = h.robots->crawl_delay()) {
      auto ms = std::chrono::milliseconds(static_cast<long long>(*delay * 1000));
      h.delay = std::max(h.delay, std::min(ms, kMaxCrawlDelay));
    }
    return h;
  }

  void read_sitemaps() {
    std::deque<std::string> todo;
    std::set<std::string> seen;
    if (auto url = canonical_url(web_.sitemap)) todo.push_back(*url);
    std::size_t read = 0;
    while (!todo.empty() && read < kMaxSitemaps) {
      std::string url = todo.front();
      todo.pop_front();
      if (!seen.insert(url).second) continue;
      ++read;
      FetchResult res = get_following(url, web_.max_bytes);
      if (res.outcome != FetchOutcome::kOk) {
        out_.failed.push_back({url, "sitemap: " + res.error});
        continue;
      }
      Sitemap map = parse_sitemap(res.body);
      for (const std::string& loc : map.locs) {
        std::optional<std::string> entry = canonical_url(loc);
        if (!entry) continue;
        if (map.is_index) {
          if (!scope_.refuse(*entry)) todo.push_back(*entry);
        } else if (auto why = scope_.refuse(*entry)) {
          out_.skipped.push_back({*entry, "sitemap entry out of scope: " + *why});
        } else {
          enqueue(*entry, 0);
        }
      }
    }
  }

  void visit(const std::string& url, int depth) {
    std::string current = url;
    for (int hop = 0;; ++hop) {
      done_.insert(current);
      std::optional<UrlParts> parts = url_parts(current);
      const Host& h = robots_for(*parts);
      if (!h.robots->allowed(parts->path_and_query)) {
        out_.skipped.push_back({current, h.robots_problem.empty() ? "disallowed by robots.txt"
                                                                  : "disallowed by robots.txt (unreachable: " + h.robots_problem + ")"});
        return;
      }
      if (on_request_) on_request_(current);
      Validators validators;
      if (auto k = known_.find(current); k != known_.end())
        if (auto sig = schema::parse_web_signature(k->second)) validators = {sig->etag, sig->last_modified};
      FetchResult res = request(current, validators, 0);
      switch (res.outcome) {
        case FetchOutcome::kRedirect: {
          std::optional<std::string> target = canonical_url(res.location, current);
          if (!target) {
            out_.failed.push_back({current, "bad redirect location"});
          } else if (hop + 1 > kMaxRedirects) {
            out_.failed.push_back({url, "too many redirects"});
          } else if (auto why = scope_.refuse(*target)) {
            out_.skipped.push_back({current, "redirect to " + *target + " out of scope: " + *why});
          } else if (!done_.count(*target)) {
            queued_.try_emplace(*target, depth);
            current = *target;
            continue;
          }
          return;
        }
        case FetchOutcome::kNotModified:
          out_.unchanged.push_back(current);
          return;
        case FetchOutcome::kOk:
          page(current, depth, res);
          return;
        case FetchOutcome::kHttpError:
          out_.failed.push_back({current, res.error});
          if (res.status != 404 && res.status != 410) transient(current, depth);
          return;
        case FetchOutcome::kTooLarge:
          out_.skipped.push_back({current, res.error});
          return;
        case FetchOutcome::kTimeout:
        case FetchOutcome::kError:
          out_.failed.push_back({current, res.error});
          transient(current, depth);
          return;
      }
      return;
    }
  }

  void page(const std::string& url, int depth, const FetchResult& res) {
    Kind kind = sniff(res.content_type, res.body);
    if (kind == Kind::kUnknown) {
      out_.skipped.push_back({url, "unsupported content type " + (res.content_type.empty() ? "(none)" : res.content_type)});
      return;
    }
    if (kind == Kind::kHtml) {
      PageLinks links = extract_links(res.body);
      std::string base = url;
      if (!links.base.empty())
        if (auto b = canonical_url(links.base, url)) base = *b;
      std::optional<std::string> duplicate_of;
      if (!links.canonical.empty()) {
        std::optional<std::string> c = canonical_url(links.canonical, base);
        if (c && *c != url && !scope_.refuse(*c)) {
          duplicate_of = *c;
          enqueue(*c, depth);
        }
      }
      if (!links.nofollow && depth < web_.max_depth) {
        for (const std::string& href : links.hrefs) {
          std::optional<std::string> target = canonical_url(href, base);
          if (target && !scope_.refuse(*target)) enqueue(*target, depth + 1);
        }
      }
      if (duplicate_of) {
        out_.skipped.push_back({url, "duplicate of its canonical URL " + *duplicate_of});
        return;
      }
      if (links.noindex) {
        out_.skipped.push_back({url, "noindex (robots meta tag)"});
        return;
      }
    }
    std::filesystem::path file = spool_ / (std::to_string(out_.fetched.size()) + extension(kind));
    std::ofstream f(file, std::ios::binary);
    f.write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
    f.close();
    if (!f) {
      out_.failed.push_back({url, "cannot write the spool file " + file.string()});
      transient(url, depth);
      return;
    }
    out_.fetched.push_back(
        {url, file, schema::web_signature({res.etag, res.last_modified, body_hash(res.body), depth})});
  }

  const config::WebSettings& web_;
  const std::map<std::string, std::string>& known_;
  const std::vector<std::pair<std::string, int>>& frontier_;
  std::filesystem::path spool_;
  const std::function<void(const std::string&)>& on_request_;
  Scope scope_;
  Fetcher fetcher_;
  std::map<std::string, Host> hosts_;
  std::map<int, std::deque<std::string>> queue_;  // by depth: breadth-first
  std::map<std::string, int> queued_;             // ever queued (or reached by a redirect) -> depth
  std::set<std::string> done_;                    // visited
  CrawlResult out_;
};

}  // namespace

CrawlResult crawl_site(const config::WebSettings& web, const std::map<std::string, std::string>& known,
                       const std::vector<std::pair<std::string, int>>& frontier, const std::filesystem::path& spool,
                       const std::function<void(const std::string& url)>& on_request) {
  return Crawl(web, known, frontier, spool, on_request).run();
}

}  // namespace passage::crawl
