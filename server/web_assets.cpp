#include "server/web_assets.hpp"

#include "server/web_assets_data.hpp"

namespace passage::server {

const WebAsset* find_web_asset(std::string_view path) {
  if (path == "/index.html") path = "/";
  for (const WebAsset& asset : generated::kWebAssets) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace passage::server
