/* govkg web page: the indicator view's map (图表/地图). The figures are the chart's: app.js hands over
   the /compare answer it drew (facts, the scale it plotted them on, its title and its wording of a
   figure), so bar and region always show the same figure. Which map: when every place compared lies
   in one province (a fact's place_level and province), that province's map of its cities; else the
   map of China's provinces, where only provinces are drawn. The boundaries are ECharts' maps
   (kg/static/vendor/echarts-map-china.json and echarts-map-province/<file>.json, from echarts@4.9.0
   on npm, Apache-2.0; kg/static/map-provinces.json names each province's file), fetched from this
   server when first needed. */
(function () {
  "use strict";
  var CHINA = {name: "china", url: "/static/vendor/echarts-map-china.json", province: null};
  var TABLE_URL = "/static/map-provinces.json", PROVINCE_DIR = "/static/vendor/echarts-map-province/";
  var mapChart = null, maps = {}, table = null, showMap = false, last = null, mapNarrow = null;
  function $(id) { return document.getElementById(id); }

  function fetchJson(url) {
    return fetch(url).then(function (resp) {
      if (!resp.ok) throw new Error("地图数据无法加载（HTTP " + resp.status + "）");
      return resp.json();
    });
  }
  /* a map's boundaries, registered once under its name (ECharts 5 reads compressed coordinates
     itself); the promise gives the names of its regions; a failed load is tried again later */
  function loadMap(which) {
    if (!maps[which.name]) {
      maps[which.name] = fetchJson(which.url).then(function (geo) {
        echarts.registerMap(which.name, geo);
        return geo.features.map(function (f) { return f.properties.name; });
      });
      maps[which.name].catch(function () { delete maps[which.name]; });
    }
    return maps[which.name];
  }
  /* region of the China map (河南) -> file name of its province map (henan) */
  function loadTable() {
    if (!table) {
      table = fetchJson(TABLE_URL);
      table.catch(function () { table = null; });
    }
    return table;
  }

  /* the one province every place compared lies in (its label, 河南省), or null: provinces, places
     of several provinces or places of no known province are drawn on the China map */
  function oneProvince(r) {
    var prov = r.facts.length ? r.facts[0].province : null;
    var same = !!prov && r.facts.every(function (f) { return f.place_level !== "Province" && f.province === prov; });
    return same ? prov : null;
  }
  /* the map for an answer: {name, url, province}; the province's map named by its China region (河南) */
  function whichMap(r) {
    var prov = oneProvince(r);
    if (!prov) return Promise.resolve(CHINA);
    return loadTable().then(function (files) {
      var region = regionOf(prov, Object.keys(files));
      return region ? {name: region, url: PROVINCE_DIR + files[region] + ".json", province: prov} : CHINA;
    });
  }

  /* One place named two ways: a label of the graph (河南省, 内蒙古自治区, 广西壮族自治区, 北京市) and a
     region of the map data (河南, 内蒙古, or 河南省 in files that use full names): the same when equal,
     or when the longer is the shorter followed by an administrative suffix (省, 市, 自治区, 特别行政区,
     地区, 盟, or 自治区/自治州 after the peoples' names it carries: 壮族, 维吾尔, 藏族). */
  var ADMIN_SUFFIX = /^(?:省|市|特别行政区|地区|盟|[^省市区州县盟]{0,12}自治[区州])$/;
  function sameRegion(a, b) {
    if (!a || !b) return false;
    if (a === b) return true;
    var long = a.length > b.length ? a : b, short = long === a ? b : a;
    return short.length >= 2 && long.indexOf(short) === 0 && ADMIN_SUFFIX.test(long.slice(short.length));
  }
  function regionOf(place, regions) {
    for (var i = 0; i < regions.length; i++) if (sameRegion(place, regions[i])) return regions[i];
    return null;
  }

  /* a figure's words without its unit, for a label on the map: 约10.2, 2.5以上, 5—5.5 */
  function shortFigure(f, hand) {
    return hand.figureText(Object.assign({}, f, {unit: ""}));
  }
  function roundedText(v) { return String(Math.round(v * 100) / 100); }

  /* the map series: one region per place with a figure (coloured by the chart's value; on the China
     map provinces only), the others grey (无数据 in the tooltip); the legend is the scale with the unit */
  function mapOption(r, hand, regions, which) {
    var narrow = $("indicator-map").clientWidth < 600, facts = r.facts, scale = hand.scale;
    var data = [], off = [], values = [];
    facts.forEach(function (f, i) {
      var region = (which.province || f.place_level === "Province") ? regionOf(f.place, regions) : null;
      var v = scale.values[i];
      if (!region || v == null || !isFinite(v)) { off.push(f.place); return; }
      values.push(v);
      data.push({name: region, value: v, fact: i,
                 label: {show: true, formatter: region + "\n" + shortFigure(f, hand), fontSize: narrow ? 9 : 11,
                         color: "#222", textBorderColor: "#fff", textBorderWidth: 2}});
    });
    var lo = values.length ? Math.min.apply(null, values) : 0, hi = values.length ? Math.max.apply(null, values) : 1;
    if (lo === hi) lo = Math.min(0, lo);
    var unit = scale.unit || "";
    return {
      option: {
        title: {text: hand.title, left: "center", textStyle: {fontSize: 14, width: narrow ? 340 : 900, overflow: "truncate"}},
        tooltip: {trigger: "item", renderMode: "richText", formatter: function (p) {
          if (!p.data || p.data.fact == null) return p.name + "：无数据";
          var f = facts[p.data.fact];
          return f.place + " " + f.year + " " + (f.status === "Target" ? "目标" : "实际") + "：" + hand.figureText(f) +
            (f.note ? "（" + f.note + "）" : "") + "\n「" + f.quote + "」";
        }},
        visualMap: {type: "continuous", min: lo, max: hi, calculable: false, realtime: false,
                    text: [roundedText(hi) + " " + unit, roundedText(lo) + " " + unit],
                    orient: narrow ? "horizontal" : "vertical", left: narrow ? "center" : 10, bottom: narrow ? 4 : 20,
                    itemWidth: 12, itemHeight: narrow ? 120 : 140, textStyle: {fontSize: 11},
                    inRange: {color: ["#d6e6f4", "#6aa5d6", "#1f5f99"]}},
        series: [{type: "map", map: which.name, name: r.indicator, roam: false, selectedMode: false,
                  top: 40, bottom: narrow ? 56 : 20, left: narrow ? 4 : 90, right: narrow ? 4 : 20,
                  itemStyle: {areaColor: "#e3e3e3", borderColor: "#999", borderWidth: 0.6},
                  emphasis: {itemStyle: {areaColor: "#f5c26b"}, label: {show: true}},
                  label: {show: false}, data: data}],
        animation: false
      },
      off: off
    };
  }

  function drawMap() {
    var box = $("indicator-map");
    if (!showMap || !last) return Promise.resolve();
    var r = last.r, hand = last.hand, which = null;
    return whichMap(r).then(function (w) {
      which = w;
      return loadMap(w);
    }).then(function (regions) {
      if (!last || last.r !== r) return;  /* a newer answer came meanwhile */
      if (!mapChart) {
        mapChart = echarts.init(box, null, {renderer: "canvas"});
        mapChart.on("click", function (p) {
          if (!p.data || p.data.fact == null || !last) return;
          var f = last.r.facts[p.data.fact];
          window.govkg.showPassage(f.passage, f.quote_start, f.quote_end, f.quote);
        });
        window.govkg.indicatorMap = mapChart;
      }
      var built = mapOption(r, hand, regions, which);
      mapNarrow = box.clientWidth < 600;
      mapChart.setOption(built.option, true);
      box.setAttribute("aria-label", "指标地图：" + (which.province ? which.province + "各地" : "各省") + "数值，单击看原文");
      $("indicator-map-note").textContent = (which.province ? which.province + "地图，标出所比较的各市，灰色为无数据；单击城市看原文。"
                                                            : "地图只标省级地区，灰色为无数据；单击省份看原文。") +
        (built.off.length ? "不在图上：" + built.off.join("、") + "（见图表与下表）。" : "");
    }).catch(function (e) {
      $("indicator-map-note").textContent = e.message;
    });
  }

  /* 图表 or 地图: one of the two boxes shown; the chart relaid out when it comes back */
  function showIndicatorView(map) {
    showMap = map;
    $("indicator-show-chart").setAttribute("aria-pressed", String(!map));
    $("indicator-show-map").setAttribute("aria-pressed", String(map));
    $("indicator-chart").hidden = map;
    $("indicator-map").hidden = !map;
    $("indicator-map-note").hidden = !map;
    if (map) return drawMap();
    if (window.govkg.indicatorChart) window.govkg.indicatorChart.resize();
    return Promise.resolve();
  }

  /* app.js calls this after drawing the chart (null: no answer): the toggle is offered for a
     comparison by place (not over the years) with at least one province, or of places of one province */
  function drawIndicatorMap(r, hand) {
    last = r ? {r: r, hand: hand} : null;
    var mappable = !!r && !r.over_years &&
      (r.facts.some(function (f) { return f.place_level === "Province"; }) || !!oneProvince(r));
    $("indicator-views").hidden = !mappable;
    if (!mappable) {
      if (showMap) showIndicatorView(false);
      if (mapChart) mapChart.clear();
      return;
    }
    if (showMap) drawMap();
  }

  $("indicator-show-chart").addEventListener("click", function () { showIndicatorView(false); });
  $("indicator-show-map").addEventListener("click", function () { showIndicatorView(true); });
  function relayoutMap() {
    if (!mapChart || $("indicator-map").hidden) return;
    if (last && mapNarrow !== ($("indicator-map").clientWidth < 600)) drawMap();
    else mapChart.resize();
  }
  if (window.ResizeObserver) new ResizeObserver(function () { requestAnimationFrame(relayoutMap); }).observe($("indicator-map"));

  window.govkg.drawIndicatorMap = drawIndicatorMap;
  window.govkg.showIndicatorView = showIndicatorView;
  window.govkg.sameRegion = sameRegion;
})();
