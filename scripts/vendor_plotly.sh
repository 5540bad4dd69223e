#!/bin/sh
# Build gan_viz/ui/common/vendor/plotly-replay.min.js: plotly.js's core with only the traces a
# lesson replay draws (gan_viz.ui.common.plotly_component.REPLAY_TRACES), at the plotly.js version
# that the installed plotly Python package bundles. A smaller bundle is parsed sooner, so a lesson
# link moves sooner (benchmarks/RESULTS.md, "Lesson links"). Needs node, npm and the npm registry.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
ESBUILD=0.28.2
version=$($PY -c "from gan_viz.ui.common.plotly_component import BUNDLES, bundle_version; print(bundle_version(BUNDLES['full']))")
traces=$($PY -c "from gan_viz.ui.common.plotly_component import REPLAY_TRACES; print(' '.join(sorted(REPLAY_TRACES - {'scatter'})))")
out=$(pwd)/gan_viz/ui/common/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "plotly.js@$version" "esbuild@$ESBUILD"
{
  echo "var Plotly = require('plotly.js/lib/core');  // scatter is in the core"
  echo "Plotly.register(["
  for t in $traces; do echo "  require('plotly.js/lib/$t'),"; done
  echo "]);"
  echo "module.exports = Plotly;"
} > entry.js
# The banner names the version, as plotly.js's own bundles do (bundle_version reads it).
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --legal-comments=none \
  --banner:js="/** plotly.js (gan-viz replay - minified) v$version: core with $traces. MIT licensed, Copyright 2012-2026 Plotly, Inc. */" \
  --outfile=bundle/plotly.min.js --log-level=warning
cp bundle/plotly.min.js "$out/plotly-replay.min.js"
cp node_modules/plotly.js/LICENSE "$out/plotly-LICENSE.txt"
echo "plotly.js v$version vendored for the replay: core (scatter) with $traces"
