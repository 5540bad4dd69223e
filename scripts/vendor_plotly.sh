#!/bin/sh
# Refresh gan_viz/ui/common/vendor/plotly-cartesian.min.js to the plotly.js version that the
# installed plotly Python package bundles (the lesson replays draw with it; see
# gan_viz/ui/common/plotly_component.py). Needs npm and the npm registry.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
version=$($PY -c "from gan_viz.ui.common.plotly_component import BUNDLES, bundle_version; print(bundle_version(BUNDLES['full']))")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "plotly.js-cartesian-dist-min@$version" >/dev/null && tar xzf ./*.tgz)
cp "$tmp/package/plotly-cartesian.min.js" gan_viz/ui/common/vendor/plotly-cartesian.min.js
cp "$tmp/package/LICENSE" gan_viz/ui/common/vendor/plotly-LICENSE.txt
echo "plotly.js cartesian bundle v$version vendored"
