#!/bin/sh
# Rebuild the vendored front-end files from the npm registry (development time only; nothing is
# fetched when the package runs). Run from the repository root: `make vendor`. Versions are pinned
# here; change one, run this, look at the page and the HTML export, commit the files.
set -eu
ECHARTS=5.6.0
# ECharts 5 ships no maps: the China map (province boundaries, map/json/china.json, Apache-2.0 as part
# of ECharts) comes from the last release that had it. Registered with echarts.registerMap by the page;
# ECharts 5 still reads its compressed form (UTF8Encoding), which tests/test_workbench_map.py checks.
ECHARTS_MAP=4.9.0
VIS_NETWORK=10.0.2
CODEMIRROR=5.65.20
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "echarts@$ECHARTS" "echarts@$ECHARTS_MAP" "vis-network@$VIS_NETWORK" "codemirror@$CODEMIRROR" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done

e=echarts-$ECHARTS/package
# the full build: the indicator view draws bars, lines and the map series (the "common" build has no map)
rm -f "$out/echarts.common.min.js"
cp "$e/dist/echarts.min.js" "$out/"
cp "$e/LICENSE" "$out/echarts.LICENSE.txt"
cp "$e/NOTICE" "$out/echarts.NOTICE.txt"
m=echarts-$ECHARTS_MAP/package
cp "$m/map/json/china.json" "$out/echarts-map-china.json"
# each province's map of its cities (map/json/province/<pinyin>.json, 34 files, ~2 MB), loaded by the
# page only for the province whose cities it compares; kg/static/map-provinces.json names the file of
# each region of the China map (山西 shanxi, 陕西 shanxi1)
rm -rf "$out/echarts-map-province"
mkdir "$out/echarts-map-province"
cp "$m"/map/json/province/*.json "$out/echarts-map-province/"
cp "$m/LICENSE" "$out/echarts-map.LICENSE.txt"
cp "$m/NOTICE" "$out/echarts-map.NOTICE.txt"

# dist/ carries the data classes (vis.DataSet) and no CSS: the "standalone" build would inject a
# <style> element, which the page's Content-Security-Policy refuses; the CSS is a file of its own
v=vis-network-$VIS_NETWORK/package
sed '/sourceMappingURL/d' "$v/dist/vis-network.min.js" > "$out/vis-network.min.js"
sed 's|/\*# sourceMappingURL=[^*]*\*/||' "$v/styles/vis-network.min.css" > "$out/vis-network.min.css"
cat "$v/LICENSE-APACHE-2.0" > "$out/vis-network.LICENSE.txt"
printf '\n\n---- or, at your choice ----\n\n' >> "$out/vis-network.LICENSE.txt"
cat "$v/LICENSE-MIT" >> "$out/vis-network.LICENSE.txt"

# CodeMirror 5: the editor, its SPARQL mode and the completion pop-up, in one file and one style sheet
c=codemirror-$CODEMIRROR/package
cat "$c/lib/codemirror.js" "$c/mode/sparql/sparql.js" "$c/addon/hint/show-hint.js" \
    "$c/addon/edit/matchbrackets.js" > "$out/codemirror.js"
cat "$c/lib/codemirror.css" "$c/addon/hint/show-hint.css" > "$out/codemirror.css"
cp "$c/LICENSE" "$out/codemirror.LICENSE.txt"

printf 'echarts %s\necharts-map %s\nvis-network %s\ncodemirror %s\n' "$ECHARTS" "$ECHARTS_MAP" "$VIS_NETWORK" "$CODEMIRROR" > "$out/VERSIONS"
echo "vendored into $out:" && cat "$out/VERSIONS"
