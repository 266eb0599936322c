#include "server/json_codec.hpp"

namespace passage::server {

namespace {

// The descriptive fields a hit and a document share, after what the caller already wrote.
void add_metadata(nlohmann::ordered_json& j, const query::Hit& hit) {
  j["title"] = hit.title;
  j["url"] = hit.url;
  j["kind"] = hit.kind;
  j["organisation"] = hit.organisation;
  j["language"] = hit.language;
  j["year"] = hit.year ? nlohmann::ordered_json(*hit.year) : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json facets = nlohmann::ordered_json::object();
  for (const auto& [name, value] : hit.facets) facets[name] = value;
  j["facets"] = std::move(facets);
}

}  // namespace

nlohmann::ordered_json to_json(const query::Hit& hit) {
  nlohmann::ordered_json j;
  j["id"] = hit.id;
  j["rank"] = hit.rank;
  j["score"] = hit.score;
  add_metadata(j, hit);
  j["authors"] = hit.authors;
  j["snippet"] = hit.snippet_html;
  j["page"] = hit.page ? nlohmann::ordered_json(*hit.page) : nlohmann::ordered_json(nullptr);
  j["duplicates"] = hit.duplicates;
  nlohmann::ordered_json locations = nlohmann::ordered_json::array();
  for (const auto& l : hit.locations) locations.push_back({{"id", l.id}, {"url", l.url}});
  j["locations"] = std::move(locations);
  return j;
}

nlohmann::ordered_json facets_json(const std::vector<query::FacetResult>& facets) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const query::FacetResult& facet : facets) {
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    for (const query::FacetCount& count : facet.values) {
      values.push_back({{"value", count.value}, {"count", count.count}});
    }
    out[facet.name] = std::move(values);
  }
  return out;
}

nlohmann::ordered_json histogram_json(const std::vector<query::YearCount>& histogram) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const query::YearCount& y : histogram) out.push_back({{"year", y.year}, {"count", y.count}});
  return out;
}

nlohmann::ordered_json to_json(const query::SearchResult& result) {
  nlohmann::ordered_json j;
  j["query"] = result.query;
  j["total"] = result.total;
  j["page"] = result.page;
  j["size"] = result.size;
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const query::Hit& hit : result.hits) results.push_back(to_json(hit));
  j["results"] = std::move(results);
  j["facets"] = facets_json(result.facets);
  j["expanded_concepts"] = result.expanded_concepts;
  j["year_histogram"] = histogram_json(result.year_histogram);
  if (result.did_you_mean) j["did_you_mean"] = *result.did_you_mean;
  j["partial"] = !result.missing_shards.empty();
  j["missing_shards"] = result.missing_shards;
  return j;
}

nlohmann::ordered_json to_facets_json(const query::SearchResult& result) {
  nlohmann::ordered_json j;
  j["total"] = result.total;
  j["facets"] = facets_json(result.facets);
  j["year_histogram"] = histogram_json(result.year_histogram);
  j["partial"] = !result.missing_shards.empty();
  j["missing_shards"] = result.missing_shards;
  return j;
}

nlohmann::ordered_json to_json(const query::DocumentDetails& doc) {
  nlohmann::ordered_json j;
  j["id"] = doc.meta.id;
  add_metadata(j, doc.meta);
  j["format"] = doc.format;
  j["authors"] = doc.meta.authors;
  j["concepts"] = doc.concepts;
  j["pages"] = doc.pages;
  j["text"] = doc.text;
  return j;
}

nlohmann::ordered_json to_json(const std::string& query, const std::vector<query::Suggestion>& suggestions) {
  nlohmann::ordered_json j;
  j["query"] = query;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& s : suggestions) list.push_back({{"text", s.text}, {"kind", s.kind}, {"documents", s.documents}});
  j["suggestions"] = std::move(list);
  return j;
}

std::string dump_json(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace passage::server
