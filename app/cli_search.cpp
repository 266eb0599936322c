#include <filesystem>
#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "query/export.hpp"
#include "query/searcher.hpp"
#include "server/json_codec.hpp"
#include "server/query_string.hpp"

namespace passage::app {
namespace {

struct SearchArgs {
  std::string index;
  std::vector<std::string> filters;
  std::string lang;
  std::size_t page = 1;
  std::size_t size = 10;
  std::string sort = "relevance";
  bool json = false;
  std::string format = "text";
  bool no_expand = false;
  std::vector<std::string> words;
};

// Snippets are HTML for the web; on a terminal show marks as [[word]] and unescape entities.
std::string terminal_text(std::string html) {
  static const std::vector<std::pair<std::string, std::string>> repl{
      {"<mark>", "[["}, {"</mark>", "]]"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : repl) {
    for (std::size_t p = html.find(from); p != std::string::npos; p = html.find(from, p + to.size()))
      html.replace(p, from.size(), to);
  }
  return html;
}

}  // namespace

Command add_search_command(CLI::App& app) {
  auto a = std::make_shared<SearchArgs>();
  CLI::App* cmd = app.add_subcommand("search", "Search an index");
  cmd->add_option("-i,--index", a->index, "Index folder")->required();
  cmd->add_option("-f,--filter", a->filters, "Facet filter facet:value (repeatable; same facet ORed, facets ANDed)");
  cmd->add_option("--lang", a->lang, "Stem the query in these languages, e.g. de,fr (default: every indexed language)");
  cmd->add_option("--page", a->page, "Result page (1-based)")->capture_default_str();
  cmd->add_option("--size", a->size, "Results per page")->capture_default_str();
  cmd->add_option("--sort", a->sort, "relevance or date")->check(CLI::IsMember({"relevance", "date"}))->capture_default_str();
  cmd->add_flag("--json", a->json, "Print the result as JSON (the HTTP API's shape); same as --format json");
  CLI::Option* size_option = cmd->get_option("--size");
  cmd->add_option("--format", a->format, "text, json, or an export: bibtex, ris, csljson, csv, atom (default size 100, at most 1000)")
      ->check(CLI::IsMember({"text", "json", "bibtex", "ris", "csljson", "csv", "atom"}))
      ->capture_default_str();
  cmd->add_flag("--no-expand", a->no_expand, "Do not expand concept labels to other languages");
  cmd->add_option("query", a->words, "The query (see README: words, \"phrases\", AND/OR/NOT, field:value, year:2015..2020)");
  return [a, size_option, cmd]() -> int {
    auto searcher = query::Searcher::open(a->index).value_or_throw();
    query::SearchRequest req;
    for (std::size_t i = 0; i < a->words.size(); ++i) req.query += (i ? " " : "") + a->words[i];
    for (const auto& f : a->filters) req.filters.push_back(query::parse_filter(f).value_or_throw());
    std::size_t start = 0;
    while (start < a->lang.size()) {
      std::size_t comma = a->lang.find(',', start);
      if (comma == std::string::npos) comma = a->lang.size();
      if (comma > start) req.languages.push_back(a->lang.substr(start, comma - start));
      start = comma + 1;
    }
    std::optional<query::ExportFormat> format = query::export_format(a->format);
    req.page = a->page;
    req.size = format && size_option->count() == 0 ? query::kDefaultExportSize : a->size;
    if (format) req.max_size = query::kMaxExportSize;
    req.sort = a->sort == "date" ? query::SortOrder::kDate : query::SortOrder::kRelevance;
    // A feed lists the newest documents first unless another order is asked for.
    if (format == query::ExportFormat::kAtom && cmd->get_option("--sort")->count() == 0) req.sort = query::SortOrder::kDate;
    req.expand_concepts = !a->no_expand;
    query::SearchResult r = searcher->search(req).value_or_throw();
    if (format) {
      query::FeedInfo feed;
      feed.id = "file://" + std::filesystem::absolute(a->index).string() + "?q=" + server::percent_encode(r.query);
      feed.updated = searcher->last_indexed();
      std::cout << query::export_results(r, *format, feed);
      return 0;
    }
    if (a->json || a->format == "json") {
      std::cout << server::dump_json(server::to_json(r)) << "\n";
      return 0;
    }
    if (r.did_you_mean) std::cout << "Did you mean: " << *r.did_you_mean << "\n";
    for (const std::string& m : r.missing_shards)
      std::cerr << "passage: warning: partial results: shard " << m << " did not answer\n";
    std::cout << r.total << (r.total == 1 ? " document matches" : " documents match");
    if (!r.query.empty()) std::cout << " \"" << r.query << "\"";
    std::cout << " (page " << r.page << ")";
    if (!r.expanded_concepts.empty()) {
      std::cout << "; expanded with concepts:";
      for (const auto& c : r.expanded_concepts) std::cout << " " << c;
    }
    std::cout << "\n\n";
    for (const auto& h : r.hits) {
      std::cout << h.rank << ". " << h.title << "\n   " << h.url;
      if (h.page) std::cout << "#page=" << *h.page;
      std::cout << "\n   " << h.kind << " | " << (h.organisation.empty() ? "-" : h.organisation) << " | "
                << h.language << " | " << (h.year ? std::to_string(*h.year) : "-") << "\n";
      if (!h.snippet_html.empty()) std::cout << "   " << terminal_text(h.snippet_html) << "\n";
      std::cout << "\n";
    }
    std::cout << "Facets:\n";
    for (const auto& f : r.facets) {
      if (f.values.empty()) continue;
      std::cout << "  " << f.name << ":";
      std::size_t shown = 0;
      for (const auto& v : f.values) {
        if (shown++ == 12) {
          std::cout << " …";
          break;
        }
        std::cout << " " << v.value << " (" << v.count << ")";
      }
      std::cout << "\n";
    }
    return 0;
  };
}

}  // namespace passage::app
