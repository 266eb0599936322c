#pragma once
// The JSON shape of search results in the HTTP API. Keys keep the order they are written in
// (ordered_json) so responses read naturally: query, total, page, size, results, facets.

#include <nlohmann/json.hpp>
#include <string>

#include "query/searcher.hpp"

namespace passage::server {

/// {"id","rank","score","title","url","kind","organisation","language","year"(int|null),
///  "facets":{name:value},"snippet","page"(int|null: PDF page of the snippet)}
nlohmann::ordered_json to_json(const query::Hit& hit);

/// {"query","total","page","size","results":[hit...],"facets":{name:[{"value","count"}...]},
///  "expanded_concepts":[concept id...],"year_histogram":[{"year","count"}...] (ascending),
///  "did_you_mean" (only when there is a correction)}
nlohmann::ordered_json to_json(const query::SearchResult& result);

/// {"total","facets","year_histogram"}: the counts of a search without its hits.
nlohmann::ordered_json to_facets_json(const query::SearchResult& result);

/// {"id","title","url","kind","organisation","language","year","facets","format","authors",
///  "concepts","pages","text"}
nlohmann::ordered_json to_json(const query::DocumentDetails& doc);

/// {"query","suggestions":[{"text","kind","documents"}]}
nlohmann::ordered_json to_json(const std::string& query, const std::vector<query::Suggestion>& suggestions);

/// Serialises compactly; invalid UTF-8 from the index is replaced rather than thrown on.
std::string dump_json(const nlohmann::ordered_json& json);

}  // namespace passage::server
