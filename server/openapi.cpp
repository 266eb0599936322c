#include "server/openapi.hpp"

namespace passage::server {

std::string_view openapi_json() {
  static constexpr std::string_view kDocument = R"openapi({
  "openapi": "3.0.3",
  "info": {
    "title": "Passage",
    "version": "1",
    "description": "Full-text search over migration-policy literature: faceted search, exports, documents, suggestions. Errors are JSON {\"error\":{\"code\",\"message\"}}: 400 bad parameters or query syntax, 404 unknown path or document, 405 other methods, 413/431 oversized requests, 503 index unavailable."
  },
  "paths": {
    "/api/search": {
      "get": {
        "summary": "Search: ranked hits with snippets, exact multi-select facet counts, year histogram, spelling correction; or an export of the result page",
        "parameters": [
          {"$ref": "#/components/parameters/q"},
          {"$ref": "#/components/parameters/filter"},
          {"$ref": "#/components/parameters/lang"},
          {"$ref": "#/components/parameters/expand"},
          {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}, "description": "1-based; page * size <= 10000"},
          {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}, "description": "hits per page: default 10, at most 100; exports default 100, at most 1000"},
          {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["relevance", "date"]}, "description": "default relevance (date for format=atom)"},
          {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "bibtex", "ris", "csljson", "csv", "atom"], "default": "json"}, "description": "json, or an attachment passage-results.<bib|ris|json|csv|atom>"}
        ],
        "responses": {
          "200": {
            "description": "the results",
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/SearchResult"}},
              "application/x-bibtex": {"schema": {"type": "string"}},
              "application/x-research-info-systems": {"schema": {"type": "string"}},
              "application/vnd.citationstyles.csl+json": {"schema": {"type": "array", "items": {"type": "object", "required": ["id", "type", "title"]}}},
              "text/csv": {"schema": {"type": "string"}},
              "application/atom+xml": {"schema": {"type": "string"}}
            }
          },
          "400": {"$ref": "#/components/responses/BadRequest"}
        }
      }
    },
    "/api/facets": {
      "get": {
        "summary": "Facet counts and year histogram of a query, without hits",
        "parameters": [
          {"$ref": "#/components/parameters/q"},
          {"$ref": "#/components/parameters/filter"},
          {"$ref": "#/components/parameters/lang"},
          {"$ref": "#/components/parameters/expand"}
        ],
        "responses": {
          "200": {"description": "the counts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FacetsResult"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"}
        }
      }
    },
    "/api/documents/{id}": {
      "get": {
        "summary": "One document with everything the index stores about it",
        "parameters": [{"$ref": "#/components/parameters/id"}],
        "responses": {
          "200": {"description": "the document", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Document"}}}},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/api/documents/{id}/similar": {
      "get": {
        "summary": "More like this: documents sharing the document's most distinctive words",
        "parameters": [
          {"$ref": "#/components/parameters/id"},
          {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}}
        ],
        "responses": {
          "200": {"description": "similar documents", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResult"}}}},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/api/documents/{id}/file": {
      "get": {
        "summary": "The original file with its content type, when it lies inside the server's --document-root (HTML served sandboxed)",
        "parameters": [{"$ref": "#/components/parameters/id"}],
        "responses": {
          "200": {"description": "the file", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/api/suggest": {
      "get": {
        "summary": "Autocomplete: index terms and titles for the last word of a prefix",
        "parameters": [
          {"name": "q", "in": "query", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 100}},
          {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 10}},
          {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "opensearch"], "default": "json"}, "description": "opensearch: [query, [completions]] (application/x-suggestions+json)"}
        ],
        "responses": {
          "200": {
            "description": "suggestions",
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/Suggestions"}},
              "application/x-suggestions+json": {"schema": {"type": "array", "minItems": 2, "maxItems": 2}}
            }
          },
          "400": {"$ref": "#/components/responses/BadRequest"}
        }
      }
    },
    "/healthz": {
      "get": {
        "summary": "Liveness, the number of indexed documents and the state of each shard",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}
      }
    },
    "/api/openapi.json": {
      "get": {
        "summary": "This description",
        "responses": {"200": {"description": "OpenAPI 3 document", "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "info", "paths"]}}}}}
      }
    },
    "/opensearch.xml": {
      "get": {
        "summary": "OpenSearch 1.1 description (search page, suggestions and Atom URLs)",
        "responses": {"200": {"description": "description", "content": {"application/opensearchdescription+xml": {"schema": {"type": "string"}}}}}
      }
    },
    "/": {
      "get": {
        "summary": "The search page (ETag; 304 on If-None-Match)",
        "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}
      }
    },
    "/widget.js": {
      "get": {
        "summary": "The embeddable search widget",
        "responses": {"200": {"description": "script", "content": {"text/javascript": {"schema": {"type": "string"}}}}}
      }
    },
    "/passage.css": {
      "get": {
        "summary": "The widget's style sheet",
        "responses": {"200": {"description": "style sheet", "content": {"text/css": {"schema": {"type": "string"}}}}}
      }
    }
  },
  "components": {
    "parameters": {
      "q": {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 1024}, "description": "query language: words, \"phrases\", +required -excluded, AND OR NOT ( ), NEAR/n, prefix*, title: author: kind: org: lang: year:2015..2020 source: concept: and declared facets such as city: or country:"},
      "filter": {"name": "filter", "in": "query", "schema": {"type": "array", "items": {"type": "string"}, "maxItems": 32}, "style": "form", "explode": true, "description": "facet:value; values of one facet OR, facets AND"},
      "lang": {"name": "lang", "in": "query", "schema": {"type": "string"}, "description": "stem the query in these languages, e.g. de,fr"},
      "expand": {"name": "expand", "in": "query", "schema": {"type": "string", "enum": ["concepts", "none"], "default": "concepts"}},
      "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "document id (source/relative path), URL-encoded"}
    },
    "responses": {
      "BadRequest": {"description": "bad parameter or query syntax", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotFound": {"description": "unknown document", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
        }
      },
      "FacetValue": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}
      },
      "Facets": {
        "type": "object",
        "description": "facet name (kind, organisation, language, year, source, concept, declared facets) -> values by count",
        "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}
      },
      "YearHistogram": {
        "type": "array",
        "description": "matches per year, ascending, counted like the year facet (multi-select)",
        "items": {"type": "object", "required": ["year", "count"], "properties": {"year": {"type": "integer"}, "count": {"type": "integer"}}}
      },
      "Hit": {
        "type": "object",
        "required": ["id", "rank", "score", "title", "url", "kind", "organisation", "language", "year", "facets", "authors", "snippet", "page", "duplicates", "locations"],
        "properties": {
          "id": {"type": "string"},
          "rank": {"type": "integer"},
          "score": {"type": "number"},
          "title": {"type": "string"},
          "url": {"type": "string"},
          "kind": {"type": "string"},
          "organisation": {"type": "string"},
          "language": {"type": "string"},
          "year": {"type": "integer", "nullable": true},
          "facets": {"type": "object", "additionalProperties": {"type": "string"}},
          "authors": {"type": "array", "items": {"type": "string"}},
          "snippet": {"type": "string", "description": "HTML-escaped, matched words in <mark>"},
          "page": {"type": "integer", "nullable": true, "description": "PDF page of the snippet"},
          "duplicates": {"type": "integer", "description": "documents with the same text collapsed into this hit"},
          "locations": {
            "type": "array",
            "description": "every place the work was found, this hit first",
            "items": {"type": "object", "required": ["id", "url"], "properties": {"id": {"type": "string"}, "url": {"type": "string"}}}
          }
        }
      },
      "SearchResult": {
        "type": "object",
        "required": ["query", "total", "page", "size", "results", "facets", "expanded_concepts", "year_histogram", "partial", "missing_shards"],
        "properties": {
          "query": {"type": "string"},
          "total": {"type": "integer"},
          "page": {"type": "integer"},
          "size": {"type": "integer"},
          "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
          "facets": {"$ref": "#/components/schemas/Facets"},
          "expanded_concepts": {"type": "array", "items": {"type": "string"}},
          "year_histogram": {"$ref": "#/components/schemas/YearHistogram"},
          "did_you_mean": {"type": "string", "description": "the whole query with misspelt words corrected; present only when that would help"},
          "partial": {"type": "boolean", "description": "true when a shard of a sharded index could not be reached: the answer covers the others"},
          "missing_shards": {"type": "array", "items": {"type": "string"}, "description": "the unreachable shards, as 'shard-K (host:port)'"}
        }
      },
      "FacetsResult": {
        "type": "object",
        "required": ["total", "facets", "year_histogram", "partial", "missing_shards"],
        "properties": {
          "partial": {"type": "boolean"},
          "missing_shards": {"type": "array", "items": {"type": "string"}},
          "total": {"type": "integer"},
          "facets": {"$ref": "#/components/schemas/Facets"},
          "year_histogram": {"$ref": "#/components/schemas/YearHistogram"}
        }
      },
      "Document": {
        "type": "object",
        "required": ["id", "title", "url", "kind", "organisation", "language", "year", "facets", "format", "authors", "concepts", "pages", "text"],
        "properties": {
          "id": {"type": "string"},
          "title": {"type": "string"},
          "url": {"type": "string"},
          "kind": {"type": "string"},
          "organisation": {"type": "string"},
          "language": {"type": "string"},
          "year": {"type": "integer", "nullable": true},
          "facets": {"type": "object", "additionalProperties": {"type": "string"}},
          "format": {"type": "string"},
          "authors": {"type": "array", "items": {"type": "string"}},
          "concepts": {"type": "array", "items": {"type": "string"}},
          "pages": {"type": "integer"},
          "text": {"type": "string"}
        }
      },
      "Suggestions": {
        "type": "object",
        "required": ["query", "suggestions"],
        "properties": {
          "query": {"type": "string"},
          "suggestions": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["text", "kind", "documents"],
              "properties": {"text": {"type": "string"}, "kind": {"type": "string", "enum": ["term", "title"]}, "documents": {"type": "integer"}}
            }
          }
        }
      },
      "Health": {
        "type": "object",
        "required": ["status", "documents", "shards"],
        "properties": {
          "status": {"type": "string", "enum": ["ok", "degraded"], "description": "degraded while a shard is unreachable"},
          "documents": {"type": "integer", "description": "documents in the shards that answer"},
          "shards": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["name", "address", "remote", "state"],
              "properties": {
                "name": {"type": "string"},
                "address": {"type": "string", "description": "host:port of a remote shard; empty for a local one"},
                "remote": {"type": "boolean"},
                "state": {"type": "string", "enum": ["up", "down"]},
                "error": {"type": "string"}
              }
            }
          }
        }
      }
    }
  }
}
)openapi";
  return kDocument;
}

}  // namespace passage::server
