#!/usr/bin/env bash
# Vendor the web app's front-end libraries from the npm registry. Only the built
# files and their licences are committed (src/jetwatch/web/static/vendor/).
#   leaflet 1.9.4 (BSD-2-Clause): the map.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack leaflet@1.9.4 >/dev/null && tar xzf leaflet-1.9.4.tgz)
dest=src/jetwatch/web/static/vendor/leaflet
rm -rf "$dest" && mkdir -p "$dest/images"
cp "$work/package/dist/leaflet.js" "$work/package/dist/leaflet.css" "$dest/"
cp "$work/package/dist/images/"*.png "$dest/images/"
cp "$work/package/LICENSE" "$dest/LICENSE"
