#pragma once
// The OpenAPI 3 description of the HTTP API, served at GET /api/openapi.json. A test fetches real
// responses from the real server and checks them against these schemas, so it cannot drift.

#include <string_view>

namespace passage::server {

/// The OpenAPI document (JSON text).
std::string_view openapi_json();

}  // namespace passage::server
