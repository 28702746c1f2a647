#!/usr/bin/env bash
# Vendor the country borders the offline report maps draw: Natural Earth 1:50m
# admin-0 countries (public domain) as TopoJSON, from the npm package world-atlas
# (ISC licence, Mike Bostock). Only the built file and its licence are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack world-atlas@2.0.2 >/dev/null && tar xzf world-atlas-2.0.2.tgz)
mkdir -p src/jetwatch/data/borders
cp "$work/package/countries-50m.json" src/jetwatch/data/borders/countries-50m.json
cp "$work/package/LICENSE" src/jetwatch/data/borders/LICENSE-world-atlas
cat > src/jetwatch/data/borders/README.md <<'TXT'
Country borders for jetwatch's offline maps: `countries-50m.json` is Natural Earth
1:50m admin-0 countries (public domain, naturalearthdata.com) as TopoJSON, from the
npm package world-atlas 2.0.2 (ISC licence, LICENSE-world-atlas). Made by
`tools/vendor_borders.sh`; do not edit by hand.
TXT
