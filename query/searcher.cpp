#include "query/searcher.hpp"

#include <xapian.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/analysis/analyzer.hpp"
#include "core/analysis/stemmers.hpp"
#include "core/index_layout.hpp"
#include "core/log.hpp"
#include "core/schema.hpp"
#include "query/facet_counter.hpp"
#include "query/query_parser.hpp"
#include "query/snippets.hpp"
#include "query/spelling.hpp"

namespace passage::query {
namespace fs = std::filesystem;

struct Searcher::Impl {
  fs::path dir;
  Xapian::Database db;
  analysis::Analyzer analyzer;
  std::vector<std::string> languages;        // languages present in the index
  std::vector<std::string> declared_facets;
  analysis::Thesaurus thesaurus;
  std::string stub_text;  // the index's stub as last opened ("" for a plain database folder)
  std::vector<ShardState> shards;  // a sharded index with remote shards: each shard's state

  // Opens the index. An index whose stub names remote shards is opened shard by shard: a shard
  // server that is down or does not answer within its timeout is left out (the answers are then
  // partial and name it), and is tried again at the next reopen.
  Xapian::Database open_database() {
    shards.clear();
    Result<layout::Layout> l = layout::read_layout(dir);
    const bool remote = l && std::any_of(l->shards.begin(), l->shards.end(),
                                         [](const auto& s) { return s.remote(); });
    if (!remote) {
      Xapian::Database local(dir.string());
      if (l)
        for (const layout::Shard& shard : l->shards)
          shards.push_back({shard.name, shard.address(), false, true, {}});
      return local;
    }
    Xapian::Database out;
    std::size_t up = 0;
    for (const layout::Shard& shard : l->shards) {
      ShardState state{shard.name, shard.address(), shard.remote(), true, {}};
      if (!shard.remote()) {
        out.add_database(Xapian::Database(shard.path.string()));
      } else {
        try {
          const auto timeout = static_cast<unsigned>(shard.timeout_ms);
          out.add_database(Xapian::Remote::open(shard.host, shard.port, timeout, timeout));
        } catch (const Xapian::Error& e) {
          state.up = false;
          state.error = e.get_description();
          log::warn("shard_unreachable", {{"index", dir.string()},
                                          {"shard", shard.name},
                                          {"address", state.address},
                                          {"what", state.error}});
        }
      }
      if (state.up) ++up;
      shards.push_back(std::move(state));
    }
    if (up == 0) throw Xapian::NetworkError("no shard of the index is reachable");
    return out;
  }

  bool any_shard_down() const {
    return std::any_of(shards.begin(), shards.end(), [](const ShardState& s) { return !s.up; });
  }

  std::vector<std::string> missing_shards() const {
    std::vector<std::string> out;
    for (const ShardState& s : shards)
      if (!s.up) out.push_back(s.name + " (" + s.address + ")");
    return out;
  }

  // A remote shard stopped answering: open the set again without it (and with any that is back).
  void reconnect() {
    Xapian::Database next = open_database();
    db = std::move(next);
  }

  // The stub names the current generation: when a full rebuild switched it, Xapian's reopen()
  // would stay on the old generation, so the whole index is opened again.
  std::string read_stub() const {
    std::ifstream in(dir / layout::kStubFile, std::ios::binary);
    if (!in) return {};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void load_metadata() {
    thesaurus = analysis::Thesaurus();
    std::string th = db.get_metadata(std::string(schema::kThesaurusKey));
    if (!th.empty()) {
      auto j = nlohmann::json::parse(th, nullptr, false);
      if (!j.is_discarded())
        if (auto t = analysis::Thesaurus::from_json(j)) thesaurus = std::move(*t);
    }
    languages.clear();
    const std::string prefix(schema::kLanguageFacet.prefix);
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t)
      languages.push_back((*t).substr(prefix.size()));
    declared_facets.clear();
    std::string facets = db.get_metadata(std::string(schema::kDeclaredFacetsKey));
    if (!facets.empty()) {
      auto j = nlohmann::json::parse(facets, nullptr, false);
      if (j.is_array())
        for (const auto& v : j)
          if (v.is_string()) declared_facets.push_back(v.get<std::string>());
    }
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const fs::path& index_dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = index_dir;
  std::error_code ec;
  if (!fs::is_directory(index_dir, ec))
    return make_error(ErrorCode::kNotFound, "no index at " + index_dir.string() + " (run `passage index` first)");
  try {
    impl->stub_text = impl->read_stub();
    impl->db = impl->open_database();
  } catch (const Xapian::DatabaseNotFoundError&) {
    return make_error(ErrorCode::kNotFound, "no index at " + index_dir.string() + " (run `passage index` first)");
  } catch (const Xapian::Error& e) {
    return make_error(ErrorCode::kUnavailable, "cannot open index " + index_dir.string() + ": " + e.get_description());
  }
  std::string version;
  if (!schema::version_compatible(impl->db, &version))
    return make_error(ErrorCode::kFailedPrecondition, "index " + index_dir.string() + " has schema version " + version +
                                                          "; this passage reads version " +
                                                          std::to_string(schema::kSchemaVersion) + ": reindex it");
  impl->load_metadata();
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

std::size_t Searcher::document_count() const { return impl_->db.get_doccount(); }

std::vector<ShardState> Searcher::shard_states() const { return impl_->shards; }

std::string Searcher::last_indexed() const {
  try {
    return impl_->db.get_metadata(std::string(schema::kLastIndexedKey));
  } catch (const Xapian::Error&) {
    return {};  // e.g. the revision was replaced under us: the next reopen sees it
  }
}

std::vector<std::string> Searcher::facet_names() const {
  std::vector<std::string> names;
  for (const auto& f : schema::kFacets) names.emplace_back(f.name);
  for (const auto& d : impl_->declared_facets) names.push_back(d);
  return names;
}

void Searcher::reopen() {
  try {
    std::string stub = impl_->read_stub();
    if (stub != impl_->stub_text || impl_->any_shard_down()) {
      const std::vector<ShardState> before = impl_->shards;
      Xapian::Database next = impl_->open_database();
      std::string version;
      if (!schema::version_compatible(next, &version)) {
        // A newer passage rebuilt the index: keep answering from the handle we have.
        log::error("index_schema_mismatch", {{"index", impl_->dir.string()},
                                             {"found", version},
                                             {"reads", schema::kSchemaVersion}});
        return;
      }
      impl_->db = std::move(next);
      impl_->stub_text = std::move(stub);
      impl_->load_metadata();
      for (std::size_t k = 0; k < before.size() && k < impl_->shards.size(); ++k)
        if (!before[k].up && impl_->shards[k].up)
          log::info("shard_back",
                    {{"index", impl_->dir.string()}, {"shard", impl_->shards[k].name}});
      return;
    }
    // Reloading the metadata (thesaurus, languages) is costly: only when there is a new revision.
    if (impl_->db.reopen()) impl_->load_metadata();
  } catch (const Xapian::NetworkError& e) {
    // A remote shard went away between two requests: leave it out until it is back.
    try {
      impl_->reconnect();
    } catch (const Xapian::Error& again) {
      log::warn("index_reopen_failed",
                {{"index", impl_->dir.string()}, {"what", again.get_description()}});
    }
  } catch (const Xapian::Error& e) {
    // The index is being switched or rewritten under us: the old handle keeps answering (or the
    // next request's own retry reopens it); the next reopen tries again.
    log::warn("index_reopen_failed",
              {{"index", impl_->dir.string()}, {"what", e.get_description()}});
  }
}

namespace {
std::string str(const nlohmann::json& data, std::string_view key);
void read_metadata(const nlohmann::json& data, Hit& hit);

// Runs fn (which returns a Result). When a reindex job replaced the revision the handle reads
// (Xapian::DatabaseModifiedError), reopens the database and runs it again, up to three times;
// other Xapian errors become kInternal errors naming what failed.
template <typename F>
auto with_reopen(Xapian::Database& db, const std::function<void()>& reconnect, const char* what,
                 F&& fn) -> decltype(fn()) {
  for (int attempt = 0;; ++attempt) {
    try {
      return fn();
    } catch (const Xapian::NetworkError& e) {
      // A remote shard died or stalled past its timeout: answer from the others.
      if (attempt == 2)
        return make_error(ErrorCode::kUnavailable,
                          std::string(what) + " failed: " + e.get_description());
      try {
        reconnect();
      } catch (const Xapian::Error& again) {
        return make_error(ErrorCode::kUnavailable,
                          "no shard of the index is reachable: " + again.get_description());
      }
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt == 2) return make_error(ErrorCode::kUnavailable, "the index is being rewritten; try again");
      try {
        db.reopen();
      } catch (const Xapian::Error& e) {
        return make_error(ErrorCode::kUnavailable,
                          "the index was replaced; try again (" + e.get_description() + ")");
      }
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::kInternal, std::string(what) + " failed: " + e.get_description());
    }
  }
}
// Every matching document with this content hash: the hit first, then its copies by id.
std::vector<Hit::Location> locations(const Xapian::Database& db, const Xapian::Query& query, const std::string& hash,
                                     const Hit& hit) {
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query,
                                  Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotContentHash, hash, hash)));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  std::vector<Hit::Location> out{{hit.id, hit.url}};
  std::vector<Hit::Location> copies;
  const Xapian::MSet mset = enquire.get_mset(0, Hit::kMaxLocations);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto data = nlohmann::json::parse(it.get_document().get_data(), nullptr, false);
    if (data.is_discarded()) continue;
    Hit::Location l{str(data, schema::data::kId), str(data, schema::data::kUrl)};
    if (l.id != hit.id) copies.push_back(std::move(l));
  }
  std::sort(copies.begin(), copies.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (auto& c : copies)
    if (out.size() < Hit::kMaxLocations) out.push_back(std::move(c));
  return out;
}

}  // namespace

Result<DocumentDetails> Searcher::document(std::string_view id) {
  if (id.empty() || id.size() > 1000) return make_error(ErrorCode::kInvalidArgument, "a document id is 1 to 1000 bytes");
  return with_reopen(
      impl_->db, [this] { impl_->reconnect(); }, "document lookup",
      [&]() -> Result<DocumentDetails> {
        Xapian::Database& db = impl_->db;
        std::string term = schema::id_term(id);
        auto p = db.postlist_begin(term);
        if (p == db.postlist_end(term))
          return make_error(ErrorCode::kNotFound, "no document with id '" + std::string(id) + "'");
        Xapian::Document doc = db.get_document(*p);
        auto data = nlohmann::json::parse(doc.get_data(), nullptr, false);
        if (!data.is_object())
          return make_error(ErrorCode::kDataLoss,
                            "the stored data of '" + std::string(id) + "' is damaged");
        DocumentDetails d;
        read_metadata(data, d.meta);
        d.format = str(data, schema::data::kFormat);
        if (auto pg = data.find(schema::data::kPages); pg != data.end() && pg->is_number_integer())
          d.pages = pg->get<int>();
        std::string concepts = doc.get_value(schema::kSlotConcepts);
        for (std::size_t b = 0; b < concepts.size();) {
          std::size_t e = concepts.find(schema::kRecordSeparator, b);
          if (e == std::string::npos) e = concepts.size();
          if (e > b) d.concepts.push_back(concepts.substr(b, e - b));
          b = e + 1;
        }
        std::string text = str(data, schema::data::kText);
        std::size_t n = std::min(text.size(), kDocumentTextBytes);
        while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
          --n;
        d.text = text.substr(0, n);
        return d;
      });
}

namespace {
// Expansion terms for "more like this": plain words (no prefix), not numbers, not too short.
class PlainWordDecider : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.size() < 4) return false;
    unsigned char c = static_cast<unsigned char>(term[0]);
    if (c >= 'A' && c <= 'Z') return false;  // prefixed terms
    return term.find_first_not_of("0123456789.,") != std::string::npos;
  }
};
}  // namespace

Result<SearchResult> Searcher::similar(std::string_view id, std::size_t size) {
  if (size == 0 || size > kMaxPageSize)
    return make_error(ErrorCode::kInvalidArgument, "size must be between 1 and " + std::to_string(kMaxPageSize));
  return with_reopen(
      impl_->db, [this] { impl_->reconnect(); }, "similar",
      [&]() -> Result<SearchResult> {
        Xapian::Database& db = impl_->db;
        std::string id_term = schema::id_term(id);
        auto p = db.postlist_begin(id_term);
        if (p == db.postlist_end(id_term))
          return make_error(ErrorCode::kNotFound, "no document with id '" + std::string(id) + "'");
        Xapian::RSet rset;
        rset.add_document(*p);
        Xapian::Enquire enquire(db);
        PlainWordDecider decider;
        Xapian::ESet eset = enquire.get_eset(20, rset, &decider);
        std::string q;
        // Each term quoted, so that no index term is read as query syntax (re:publica, NOT).
        for (auto t = eset.begin(); t != eset.end(); ++t)
          q += (q.empty() ? "\"" : " \"") + *t + "\"";
        if (q.empty()) q = "\"\"";  // nothing distinctive: an empty phrase matches nothing
        SearchRequest req;
        req.query = q;
        req.size = size + 1;  // the document itself is usually the first match
        req.expand_concepts = false;
        auto r = search(req);
        if (!r) return r.error();
        std::erase_if(r->hits, [&](const Hit& h) { return h.id == id; });
        if (r->hits.size() > size) r->hits.resize(size);
        for (std::size_t i = 0; i < r->hits.size(); ++i) r->hits[i].rank = static_cast<int>(i) + 1;
        r->total = r->total > 0 ? r->total - 1 : 0;
        r->did_you_mean.reset();  // the query is the document's own words
        r->size = size;
        return r;
      });
}

Result<std::vector<Suggestion>> Searcher::suggest(std::string_view prefix, std::size_t limit) {
  if (prefix.empty() || prefix.size() > 100)
    return make_error(ErrorCode::kInvalidArgument, "the prefix to complete must be 1 to 100 bytes");
  if (limit == 0 || limit > kMaxSuggestions)
    return make_error(ErrorCode::kInvalidArgument, "size must be between 1 and " + std::to_string(kMaxSuggestions));
  std::vector<analysis::Word> words;
  impl_->analyzer.words(prefix, words);
  std::string last;
  for (const auto& w : words)
    if (!w.joined) last = w.base;
  std::vector<Suggestion> out;
  if (last.empty()) return out;
  return with_reopen(
      impl_->db, [this] { impl_->reconnect(); }, "suggest",
      [&]() -> Result<std::vector<Suggestion>> {
        out.clear();
        Xapian::Database& db = impl_->db;
        // Terms: unprefixed index terms (accent-free forms) starting with the last word.
        std::vector<Suggestion> terms;
        std::size_t scanned = 0;
        for (auto t = db.allterms_begin(last); t != db.allterms_end(last) && scanned < 5000;
             ++t, ++scanned)
          terms.push_back({*t, "term", t.get_termfreq()});
        std::stable_sort(terms.begin(), terms.end(), [](const Suggestion& a, const Suggestion& b) {
          return a.documents > b.documents;
        });
        for (auto& t : terms) {
          if (out.size() >= limit) break;
          out.push_back(std::move(t));
        }
        // Titles with a word starting with it.
        Xapian::Enquire enquire(db);
        enquire.set_query(Xapian::Query(Xapian::Query::OP_WILDCARD,
                                        std::string(schema::kTitlePrefix) + last, 200,
                                        Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
        Xapian::MSet titles = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
        for (auto it = titles.begin(); it != titles.end(); ++it) {
          auto data = nlohmann::json::parse(it.get_document().get_data(), nullptr, false);
          if (data.is_object()) out.push_back({str(data, schema::data::kTitle), "title", 1});
        }
        return out;
      });
}

namespace {
// A wildcard that would expand to more than kMaxWildcardTerms terms is refused with a message
// naming it, rather than silently cut to the most frequent expansions.
std::optional<Error> check_wildcards(const Xapian::Database& db, const std::vector<Wildcard>& wildcards) {
  try {
    for (const Wildcard& w : wildcards) {
      Xapian::termcount n = 0;
      for (auto t = db.allterms_begin(w.prefix); t != db.allterms_end(w.prefix); ++t)
        if (++n > kMaxWildcardTerms)
          return make_error(ErrorCode::kInvalidArgument,
                            "wildcard '" + w.text + "' matches more than " + std::to_string(kMaxWildcardTerms) +
                                " words; type more letters before '*'");
    }
  } catch (const Xapian::Error& e) {
    return make_error(ErrorCode::kUnavailable, "cannot read the index: " + e.get_description());
  }
  return std::nullopt;
}
}  // namespace

Result<FacetFilter> parse_filter(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return make_error(ErrorCode::kInvalidArgument, "filter must be facet:value, e.g. kind:blog, not '" + std::string(text) + "'");
  return FacetFilter{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

namespace {

std::string facet_alias(const std::string& name) {
  if (name == "org" || name == "organization") return "organisation";
  if (name == "lang") return "language";
  return name;
}

Result<Xapian::Query> filter_query(const FacetFilter& f, const std::vector<std::string>& declared) {
  std::string name = facet_alias(f.facet);
  if (name == "year") return year_query(f.value);
  if (const schema::Facet* facet = schema::find_facet(name)) return Xapian::Query(schema::facet_term(*facet, f.value));
  if (std::find(declared.begin(), declared.end(), name) != declared.end())
    return Xapian::Query(schema::extra_facet_term(name, f.value));
  std::string known;
  for (const auto& fc : schema::kFacets) known += (known.empty() ? "" : ", ") + std::string(fc.name);
  for (const auto& d : declared) known += ", " + d;
  return make_error(ErrorCode::kInvalidArgument, "unknown facet '" + f.facet + "' (known: " + known + ")");
}

std::optional<int> page_of(const nlohmann::json& data, std::size_t offset) {
  auto it = data.find(schema::data::kPageOffsets);
  if (it == data.end() || !it->is_array() || it->empty()) return std::nullopt;
  int page = 1;
  for (std::size_t i = 0; i < it->size(); ++i) {
    if ((*it)[i].get<std::size_t>() <= offset) page = static_cast<int>(i) + 1;
  }
  return page;
}

std::string str(const nlohmann::json& data, std::string_view key) {
  auto it = data.find(key);
  return (it != data.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// The display fields of a hit from a document's stored data (schema::data).
void read_metadata(const nlohmann::json& data, Hit& hit) {
  hit.id = str(data, schema::data::kId);
  hit.title = str(data, schema::data::kTitle);
  if (auto a = data.find(schema::data::kAuthors); a != data.end() && a->is_array())
    for (const auto& v : *a)
      if (v.is_string()) hit.authors.push_back(v.get<std::string>());
  hit.url = str(data, schema::data::kUrl);
  hit.path = str(data, schema::data::kPath);
  hit.kind = str(data, schema::data::kKind);
  hit.organisation = str(data, schema::data::kOrganisation);
  hit.language = str(data, schema::data::kLanguage);
  if (auto y = data.find(schema::data::kYear); y != data.end() && y->is_number_integer()) hit.year = y->get<int>();
  if (auto f = data.find(schema::data::kFacets); f != data.end() && f->is_object())
    for (auto& [k, v] : f->items())
      if (v.is_string()) hit.facets.emplace_back(k, v.get<std::string>());
}

}  // namespace

// What a request becomes before it runs: the parsed query and the facet selections.
struct Searcher::Prepared {
  ParsedQuery parsed;
  ParserContext ctx;  // what the query was parsed with (did you mean re-parses corrections)
  std::map<std::string, std::vector<Xapian::Query>> groups;  // selected values per facet

  // The query with the selected facet values: values of one facet OR'ed, facets AND'ed; `except`
  // leaves one facet's selection out (its own counts must not be narrowed by itself).
  Xapian::Query filtered(const std::string* except) const {
    std::vector<Xapian::Query> ands;
    for (auto& [name, qs] : groups)
      if (except == nullptr || name != *except) ands.emplace_back(Xapian::Query::OP_OR, qs.begin(), qs.end());
    if (ands.empty()) return parsed.query;
    return Xapian::Query(Xapian::Query::OP_FILTER, parsed.query, Xapian::Query(Xapian::Query::OP_AND, ands.begin(), ands.end()));
  }
};

Result<Searcher::Prepared> Searcher::prepare(const SearchRequest& req) {
  if (req.query.size() > kMaxQueryBytes)
    return make_error(ErrorCode::kInvalidArgument, "query too long: " + std::to_string(req.query.size()) + " bytes (at most " + std::to_string(kMaxQueryBytes) + ")");
  const std::size_t max_size = std::min(req.max_size, kMaxExportSize);
  if (req.size == 0 || req.size > max_size)
    return make_error(ErrorCode::kInvalidArgument, "size must be between 1 and " + std::to_string(max_size));
  if (req.page == 0) return make_error(ErrorCode::kInvalidArgument, "page must be 1 or more");
  if (req.page > kMaxResultWindow / req.size)
    return make_error(ErrorCode::kInvalidArgument, "page * size must not exceed " + std::to_string(kMaxResultWindow) + " (narrow the query instead of paging this deep)");
  if (req.filters.size() > kMaxFilters)
    return make_error(ErrorCode::kInvalidArgument, "too many filters (at most " + std::to_string(kMaxFilters) + ")");

  Impl& im = *impl_;
  ParserContext ctx;
  ctx.analyzer = &im.analyzer;
  ctx.declared_facets = im.declared_facets;
  ctx.max_wildcard_expansion = kMaxWildcardTerms;
  std::optional<Error> expansion_error;
  ctx.expand_prefix = [&im, &expansion_error](const std::string& prefix) {
    std::vector<std::string> terms;
    try {
      for (auto t = im.db.allterms_begin(prefix); t != im.db.allterms_end(prefix); ++t) {
        terms.push_back(*t);
        if (terms.size() > kMaxWildcardTerms) break;  // check_wildcards refuses it with a message
      }
    } catch (const Xapian::Error& e) {
      expansion_error =
          make_error(ErrorCode::kUnavailable, "cannot read the index: " + e.get_description());
    }
    return terms;
  };
  if (req.expand_concepts && !im.thesaurus.empty()) ctx.thesaurus = &im.thesaurus;
  if (req.languages.empty()) {
    ctx.languages = im.languages;
  } else {
    for (const auto& l : req.languages) {
      if (l.size() < 2 || l.size() > 3 || !std::all_of(l.begin(), l.end(), ::islower))
        return make_error(ErrorCode::kInvalidArgument, "language must be an ISO 639-1 code such as de, not '" + l + "'");
      ctx.languages.push_back(l);
    }
  }
  auto parsed = parse_query(req.query, ctx);
  if (!parsed) return parsed.error();
  if (expansion_error) return *expansion_error;
  if (auto e = check_wildcards(im.db, parsed->wildcards)) return *e;

  Prepared p;
  p.parsed = std::move(*parsed);
  p.ctx = ctx;
  for (const auto& f : req.filters) {
    auto q = filter_query(f, im.declared_facets);
    if (!q) return q.error();
    p.groups[facet_alias(f.facet)].push_back(*q);
  }
  return p;
}

Result<std::string> Searcher::xapian_query(const SearchRequest& req) {
  auto prepared = prepare(req);
  if (!prepared) return prepared.error();
  return prepared->filtered(nullptr).serialise();
}

Result<SearchResult> Searcher::search(const SearchRequest& req) {
  auto prepared = prepare(req);
  if (!prepared) return prepared.error();
  Impl& im = *impl_;
  const ParsedQuery* parsed = &prepared->parsed;
  const auto& groups = prepared->groups;
  auto filtered = [&](const std::string* except) { return prepared->filtered(except); };
  Xapian::Query query = filtered(nullptr);

  SearchResult out;
  out.query = req.query;
  out.page = req.page;
  out.size = req.size;
  out.expanded_concepts = parsed->expanded_concepts;
  auto run = [&] {
    Xapian::Enquire enquire(im.db);
    enquire.set_query(query);
    if (req.sort == SortOrder::kDate || !parsed->has_text) {
      enquire.set_sort_by_value_then_relevance(schema::kSlotYear, true);
    }
    // One work found at several places (same text) is one hit.
    enquire.set_collapse_key(schema::kSlotContentHash);
    FacetCounter counter;
    counter.attach(enquire);
    Xapian::doccount first = static_cast<Xapian::doccount>((req.page - 1) * req.size);
    Xapian::MSet mset = enquire.get_mset(first, req.hits ? static_cast<Xapian::doccount>(req.size) : 0, im.db.get_doccount());
    // Every match is examined (checkatleast = database size), so the spy's count is exact;
    // Xapian's own estimate is not once duplicates are collapsed.
    out.total = counter.documents_seen();
    int rank = static_cast<int>(first);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Hit h;
      h.rank = ++rank;
      h.score = it.get_weight();
      h.duplicates = it.get_collapse_count();
      Xapian::Document doc = it.get_document();
      auto data = nlohmann::json::parse(doc.get_data(), nullptr, false);
      if (data.is_discarded()) data = nlohmann::json::object();
      read_metadata(data, h);
      if (h.duplicates > 0) h.locations = locations(im.db, query, it.get_collapse_key(), h);
      std::string text = str(data, schema::data::kText);
      Snippet sn = make_snippet(text, parsed->highlight, h.language, im.analyzer);
      h.snippet_html = std::move(sn.html);
      h.page = page_of(data, sn.offset);
      out.hits.push_back(std::move(h));
    }
    // Multi-select facets: a facet with selected values shows the counts it would have without
    // its own selection (the other facets' selections still apply), so other values stay choosable.
    auto counts = counter.counts();
    for (const auto& [name, qs] : groups) {
      Xapian::Enquire others(im.db);
      others.set_query(filtered(&name));
      others.set_weighting_scheme(Xapian::BoolWeight());
      FacetCounter c;
      c.attach(others);
      others.get_mset(0, 0, im.db.get_doccount());
      auto theirs = c.counts();
      auto it = theirs.find(name);
      counts[name] = it != theirs.end() ? it->second : std::map<std::string, std::size_t>{};
    }
    if (auto y = counts.find(std::string(schema::kYearFacet.name)); y != counts.end())
      for (const auto& [value, count] : y->second) {
        int year = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), year);
        if (ec == std::errc() && ptr == value.data() + value.size()) out.year_histogram.push_back({year, count});
      }
    std::sort(out.year_histogram.begin(), out.year_histogram.end(),
              [](const YearCount& a, const YearCount& b) { return a.year < b.year; });
    if (req.hits && parsed->has_text) out.did_you_mean = did_you_mean(req.query, prepared->ctx, im.db, out.total);
    std::vector<std::string> order = facet_names();
    for (const auto& name : order) {
      FacetResult fr;
      fr.name = name;
      auto it = counts.find(name);
      if (it != counts.end())
        for (const auto& [v, c] : it->second) fr.values.push_back({v, c});
      if (name == schema::kYearFacet.name) {
        std::sort(fr.values.begin(), fr.values.end(), [](const FacetCount& a, const FacetCount& b) { return a.value > b.value; });
      } else {
        std::stable_sort(fr.values.begin(), fr.values.end(), [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; });
      }
      out.facets.push_back(std::move(fr));
    }
  };
  // A reindex job may replace what this handle reads: reopen and run the query again.
  Status status = with_reopen(
      im.db, [&im] { im.reconnect(); }, "search",
      [&]() -> Status {
        out.hits.clear();
        out.facets.clear();
        out.year_histogram.clear();
        out.did_you_mean.reset();
        run();
        return Ok{};
      });
  if (!status) return status.error();
  out.missing_shards = im.missing_shards();
  return out;
}

}  // namespace passage::query
