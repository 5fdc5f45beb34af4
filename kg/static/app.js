/* govkg web page: ask, search, SPARQL, graph view. Talks only to this server.
   Every text that comes from the corpus or the graph is inserted with textContent, never as markup. */
(function () {
  "use strict";

  var PREFIXES = {
    "gk": "https://w3id.org/govkg/ontology#", "gkr": "https://w3id.org/govkg/resource/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#", "owl": "http://www.w3.org/2002/07/owl#"
  };
  var GROUP_NAMES = {Place: "地点", Metric: "指标", Agency: "机构", Program: "项目/政策", Observation: "数据",
                     Passage: "段落", Document: "文档", Other: "其他"};
  var STATUS = {Actual: "实际", Target: "目标"};

  function $(id) { return document.getElementById(id); }

  /* el("div", {className: "x", text: "..."}, [children]) */
  function el(tag, props, children) {
    var node = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "className") node.className = props[k];
      else if (k === "onclick") node.addEventListener("click", props[k]);
      else if (k === "title") node.title = props[k];
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function shortIri(iri) {
    for (var p in PREFIXES) {
      if (iri.indexOf(PREFIXES[p]) === 0) {
        var local = iri.slice(PREFIXES[p].length);
        try { local = decodeURIComponent(local); } catch (e) { /* keep as is */ }
        return p + ":" + local;
      }
    }
    return iri;
  }

  function errorMessage(resp, body) {
    try { var j = JSON.parse(body); if (j && j.error) return j.error; } catch (e) { /* plain text */ }
    return (body || resp.statusText || ("HTTP " + resp.status)).trim();
  }

  function api(path, params) {
    var url = path + (params ? "?" + new URLSearchParams(params).toString() : "");
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (resp) {
      return resp.text().then(function (body) {
        if (!resp.ok) throw new Error(errorMessage(resp, body));
        return JSON.parse(body);
      });
    });
  }

  function setStatus(id, text, isError) {
    var node = $(id);
    node.textContent = text || "";
    node.classList.toggle("error", !!isError);
  }

  /* ---------------------------------------------------------------- documents by title */
  var DOCS = {};  /* file -> {title, kind_name, place, date}: loaded at start */
  function docLabel(file) {
    var d = DOCS[file];
    if (!d) return file;
    var parts = [d.title ? "《" + d.title + "》" : file];
    [d.kind_name, d.place, d.date || (d.report_year ? d.report_year + "年" : null)].forEach(function (x) {
      if (x) parts.push(x);
    });
    return parts.join(" · ");
  }

  /* ---------------------------------------------------------------- tabs */
  var TABS = ["ask", "search", "sparql", "graph", "indicator"];
  function showTab(hash) {
    var name = (hash || "").split("?")[0];
    if (TABS.indexOf(name) < 0) name = "ask";
    TABS.forEach(function (t) {
      $("tab-" + t).hidden = t !== name;
      document.querySelector("#tabs a[data-tab='" + t + "']").classList.toggle("active", t === name);
    });
  }
  /* Every view is in the URL: #ask?q=…, #search?q=…&k=…, #sparql?query=…, #graph?iri=…,
     #indicator?indicator=…; Back, Forward and reload bring it back. */
  function setView(tab, params) {
    var hash = tab + "?" + new URLSearchParams(params).toString();
    if (location.hash.slice(1) !== hash) history.pushState(null, "", "#" + hash);
  }
  function viewParams() { return new URLSearchParams(location.hash.slice(1).split("?")[1] || ""); }
  function restoreView() {
    var tab = location.hash.slice(1).split("?")[0], p = viewParams();
    showTab(tab);
    if (location.hash.indexOf("?") < 0) return;
    if (tab === "ask" && p.get("q")) { $("ask-q").value = p.get("q"); runAsk(); }
    else if (tab === "search" && p.get("q")) {
      $("search-q").value = p.get("q");
      if (p.get("k")) $("search-k").value = p.get("k");
      runSearch();
    } else if (tab === "sparql" && p.get("query")) { $("sparql-q").value = p.get("query"); runSparql(); }
    else if (tab === "graph" && p.get("iri")) loadGraph(p.get("iri"));
    else if (tab === "indicator") indicatorFromHash();
  }
  window.addEventListener("popstate", restoreView);

  /* ---------------------------------------------------------------- passage viewer */
  var viewerPassage = null;

  /* Show a passage with [hlStart, hlEnd) (document offsets) highlighted; `quote` is searched for
     when the offsets do not point at it. */
  function showPassage(iri, hlStart, hlEnd, quote) {
    return api("/passage", {iri: iri}).then(function (p) {
      viewerPassage = p;
      $("viewer").hidden = false;
      $("viewer-title").textContent = docLabel(p.doc);
      $("viewer-title").title = p.doc;
      $("viewer-meta").textContent = "段落 #" + p.order + " · 字符 " + p.start + "–" + p.end + " · " + shortIri(p.passage);
      var text = p.text, a = -1, b = -1;
      if (hlStart != null && hlEnd != null) {
        a = hlStart - p.start; b = hlEnd - p.start;
        if (a < 0 || b > text.length || a >= b || (quote && text.slice(a, b) !== quote)) a = b = -1;
      }
      if (a < 0 && quote) {
        a = text.indexOf(quote);
        b = a >= 0 ? a + quote.length : -1;
      }
      var box = $("viewer-text");
      box.replaceChildren();
      if (a >= 0) {
        var mark = el("mark", {text: text.slice(a, b)});
        box.append(text.slice(0, a), mark, text.slice(b));
        mark.scrollIntoView({block: "nearest"});
      } else {
        box.append(text);
      }
    }).catch(function (e) {
      $("viewer").hidden = false;
      $("viewer-title").textContent = "原文";
      $("viewer-meta").textContent = "";
      $("viewer-text").replaceChildren(el("div", {className: "error", text: e.message}));
    });
  }
  $("viewer-close").addEventListener("click", function () { $("viewer").hidden = true; });
  $("viewer-graph").addEventListener("click", function () {
    if (viewerPassage) { loadGraph(viewerPassage.passage); }
  });

  /* ---------------------------------------------------------------- ask */
  function citeButton(n, onclick) {
    return el("button", {type: "button", className: "cite", text: "[" + n + "]", title: "查看原文", onclick: function (ev) {
      document.querySelectorAll(".cite.active").forEach(function (c) { c.classList.remove("active"); });
      document.querySelectorAll(".cite[data-n='" + n + "']").forEach(function (c) { c.classList.add("active"); });
      ev.currentTarget.classList.add("active");
      onclick();
    }, "data-n": String(n)});
  }

  function renderAnswer(r) {
    $("ask-result").hidden = false;
    var cites = $("ask-cites");
    cites.replaceChildren();
    var openers = [];
    var n = 1;
    r.facts.forEach(function (f) {
      var open = function () { showPassage(f.passage, f.quote_start, f.quote_end, f.quote); };
      openers.push(open);
      cites.appendChild(el("li", {}, [
        citeButton(n, open),
        el("span", {className: "quote", text: "「" + f.quote + "」"}),
        el("span", {className: "muted", text: f.place + " · " + f.year + " · " + (STATUS[f.status] || f.status) +
                    " · " + f.metric + " " + f.value + f.unit + " · " + docLabel(f.doc), title: f.doc})
      ]));
      n += 1;
    });
    r.passages.forEach(function (p) {
      var open = function () { showPassage(p.passage, p.sentence_start, p.sentence_end, p.sentence); };
      openers.push(open);
      cites.appendChild(el("li", {}, [
        citeButton(n, open),
        el("span", {className: "quote", text: p.sentence}),
        el("span", {className: "muted", text: " — " + docLabel(p.doc), title: p.doc + " " + p.start + "–" + p.end})
      ]));
      n += 1;
    });
    var answer = $("ask-answer");
    answer.replaceChildren(document.createTextNode(r.answer));
    /* the answer's own source: the first fact, else the first passage when the answer is taken from it */
    var first = -1;
    if (r.facts.length) first = 0;
    else if (r.passages.length && r.passages[0].text.indexOf(r.answer) >= 0) first = 0;
    if (first === 0) answer.appendChild(citeButton(1, openers[0]));
    var chips = $("ask-entities");
    chips.replaceChildren();
    (r.entities || []).forEach(function (e) {
      chips.appendChild(el("button", {type: "button", className: "chip", title: "在图谱中查看 " + e.iri,
        text: (GROUP_NAMES[e.type] || e.type) + "：" + e.label,
        onclick: function () { loadGraph(e.iri); }}));
    });
  }

  $("ask-form").addEventListener("submit", function (ev) { ev.preventDefault(); runAsk(); });
  function runAsk() {
    var q = $("ask-q").value.trim();
    if (!q) return;
    setView("ask", {q: q});
    setStatus("ask-status", "正在回答…");
    api("/ask", {q: q}).then(function (r) {
      setStatus("ask-status", "");
      renderAnswer(r);
    }).catch(function (e) { $("ask-result").hidden = true; setStatus("ask-status", e.message, true); });
  }

  /* ---------------------------------------------------------------- search */
  /* the hit's text with the query's words marked: every two-character piece of the query (and
     whole Latin words) found in the text, merged into runs; inserted as text nodes and <mark>s */
  var QUESTION_BITS = ["多少", "什么", "哪些", "哪个", "怎么", "如何", "是否", "了吗", "是多", "少人"];
  function highlighted(text, query) {
    var marks = new Array(text.length).fill(false);
    var pieces = [];
    (query.match(/[\u4e00-\u9fa5]{2,}/g) || []).forEach(function (run) {
      for (var i = 0; i + 2 <= run.length; i++) pieces.push(run.slice(i, i + 2));
    });
    (query.match(/[A-Za-z0-9]{2,}/g) || []).forEach(function (w) { pieces.push(w); });
    pieces.filter(function (p) { return QUESTION_BITS.indexOf(p) < 0; }).forEach(function (p) {
      var at = text.indexOf(p);
      while (at >= 0) {
        for (var j = at; j < at + p.length; j++) marks[j] = true;
        at = text.indexOf(p, at + 1);
      }
    });
    var box = el("div", {className: "text"}), i = 0;
    while (i < text.length) {
      var j = i;
      while (j < text.length && marks[j] === marks[i]) j++;
      box.appendChild(marks[i] ? el("mark", {text: text.slice(i, j)}) : document.createTextNode(text.slice(i, j)));
      i = j;
    }
    return box;
  }

  $("search-form").addEventListener("submit", function (ev) { ev.preventDefault(); runSearch(); });
  function runSearch() {
    var q = $("search-q").value.trim();
    if (!q) return;
    setView("search", {q: q, k: $("search-k").value});
    setStatus("search-status", "检索中…");
    var list = $("search-results");
    api("/search", {q: q, k: $("search-k").value}).then(function (hits) {
      setStatus("search-status", hits.length + " 个段落");
      list.replaceChildren();
      hits.forEach(function (h, i) {
        list.appendChild(el("li", {}, [
          el("div", {className: "head"}, [
            el("b", {text: "#" + (i + 1)}), el("span", {text: docLabel(h.doc), title: h.doc + " · " + h.start + "–" + h.end}),
            el("span", {text: "score " + Number(h.score).toFixed(3)}),
            el("button", {type: "button", className: "link", text: "查看原文",
                          onclick: function () { showPassage(h.passage); }})
          ]),
          highlighted(h.text, q)
        ]));
      });
    }).catch(function (e) { list.replaceChildren(); setStatus("search-status", e.message, true); });
  }

  /* ---------------------------------------------------------------- SPARQL */
  var examples = [];
  function loadExamples() {
    return api("/examples").then(function (list) {
      examples = list;
      var sel = $("sparql-examples");
      sel.replaceChildren();
      list.forEach(function (x, i) { sel.appendChild(el("option", {value: String(i), text: x.name + " — " + x.title})); });
      if (list.length && !$("sparql-q").value) $("sparql-q").value = list[0].query;
    });
  }
  $("sparql-examples").addEventListener("change", function (ev) {
    var x = examples[Number(ev.target.value)];
    if (x) $("sparql-q").value = x.query;
  });

  function updateDownloads() {
    var q = $("sparql-q").value;
    ["csv", "tsv", "json"].forEach(function (f) {
      $("dl-" + f).href = "/sparql?" + new URLSearchParams({query: q, format: f}).toString();
    });
  }
  $("sparql-q").addEventListener("input", updateDownloads);

  function termCell(term) {
    if (!term) return el("td");
    if (term.type === "uri") {
      var td = el("td", {className: "iri", text: shortIri(term.value), title: term.value});
      td.addEventListener("click", function () { loadGraph(term.value); });
      return td;
    }
    if (term.type === "bnode") return el("td", {text: "_:" + term.value});
    if (term.type === "triple") return el("td", {text: "<< " + JSON.stringify(term.value) + " >>"});
    var cell = el("td", {text: term.value});
    if (term["xml:lang"] && term["xml:lang"] !== "zh") cell.appendChild(el("span", {className: "lang", text: "@" + term["xml:lang"]}));
    return cell;
  }

  function runSparql() {
    var q = $("sparql-q").value;
    if (q.length <= 4000) setView("sparql", {query: q});  /* longer queries stay out of the URL */
    updateDownloads();
    var table = $("sparql-table"), pre = $("sparql-graph"), err = $("sparql-error");
    table.replaceChildren(); pre.hidden = true; err.hidden = true;
    setStatus("sparql-status", "运行中…");
    var t0 = performance.now();
    fetch("/sparql", {method: "POST", headers: {"Content-Type": "application/sparql-query",
                      "Accept": "application/sparql-results+json, text/turtle;q=0.9"}, body: q})
      .then(function (resp) {
        return resp.text().then(function (body) {
          var ms = Math.round(performance.now() - t0);
          if (!resp.ok) {
            setStatus("sparql-status", "HTTP " + resp.status + " · " + ms + " ms");
            err.hidden = false; err.textContent = errorMessage(resp, body);
            return;
          }
          var capped = resp.headers.get("X-SPARQL-MaxRows");
          var note = capped ? " · 结果已截断为前 " + capped + " 行（服务器上限）" : "";
          var type = resp.headers.get("Content-Type") || "";
          if (type.indexOf("turtle") >= 0) {
            pre.hidden = false; pre.textContent = body;
            setStatus("sparql-status", resp.headers.get("X-KG-Rows") + " 个三元组 · " + ms + " ms" + note);
            return;
          }
          var data = JSON.parse(body);
          if ("boolean" in data) {
            table.appendChild(el("tr", {}, [el("td", {text: "ASK → " + data["boolean"]})]));
            setStatus("sparql-status", "ASK · " + ms + " ms");
            return;
          }
          var vars = data.head.vars;
          var head = el("tr", {}, vars.map(function (v) { return el("th", {text: "?" + v}); }));
          var thead = el("thead", {}, [head]), tbody = el("tbody");
          data.results.bindings.forEach(function (b) {
            tbody.appendChild(el("tr", {}, vars.map(function (v) { return termCell(b[v]); })));
          });
          table.append(thead, tbody);
          setStatus("sparql-status", data.results.bindings.length + " 行 · " + ms + " ms" + note);
        });
      }).catch(function (e) { setStatus("sparql-status", ""); err.hidden = false; err.textContent = e.message; });
  }
  $("sparql-run").addEventListener("click", runSparql);
  $("sparql-q").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); runSparql(); }
  });

  /* ---------------------------------------------------------------- graph view (self-drawn SVG) */
  function legend() {
    var box = $("graph-legend");
    box.replaceChildren();
    Object.keys(GROUP_NAMES).forEach(function (g) {
      box.appendChild(el("span", {}, [el("span", {className: "dot g-" + g}), GROUP_NAMES[g] + " " + g]));
    });
  }

  $("graph-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = $("graph-q").value.trim();
    if (!q) return;
    var box = $("graph-matches");
    box.replaceChildren();
    api("/entities", {q: q, limit: 20}).then(function (list) {
      if (!list.length) { setStatus("graph-status", "没有找到名称包含“" + q + "”的实体", true); return; }
      setStatus("graph-status", "");
      list.forEach(function (e) {
        box.appendChild(el("button", {type: "button", className: "chip", title: e.iri,
          text: e.label + "（" + (GROUP_NAMES[e.type] || e.type) + "）", onclick: function () { loadGraph(e.iri); }}));
      });
      loadGraph(list[0].iri);
    }).catch(function (e) { setStatus("graph-status", e.message, true); });
  });

  function truncate(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  function loadGraph(iri) {
    setView("graph", {iri: iri});
    showTab("graph");
    setStatus("graph-status", "载入中…");
    return api("/neighbourhood", {iri: iri}).then(function (g) {
      setStatus("graph-status", g.nodes.length + " 个相邻节点" +
        (g.omitted.length ? "（另有 " + g.omitted.map(function (o) { return o.count + " 个" + (GROUP_NAMES[o.group] || "") + "（" + (o.direction === "in" ? "← " : "→ ") + o.predicate + "）"; }).join("、") + " 未显示）" : ""));
      drawGraph(g);
      describe(g);
    }).catch(function (e) { setStatus("graph-status", e.message, true); });
  }

  function drawGraph(g) {
    var svg = $("graph-svg");
    svg.replaceChildren();
    var W = 900, H = 640, cx = W / 2, cy = H / 2;
    var nodes = g.nodes.slice();
    /* keep nodes of one predicate together around the circle */
    var order = {};
    g.edges.forEach(function (e, i) {
      var other = e.source === g.center.iri ? e.target : e.source;
      if (!(other in order)) order[other] = i;
    });
    nodes.sort(function (a, b) { return (order[a.iri] || 0) - (order[b.iri] || 0); });
    var pos = {};
    pos[g.center.iri] = [cx, cy];
    var rings = nodes.length > 40 ? 2 : 1;
    nodes.forEach(function (n, i) {
      var ring = rings === 2 ? i % 2 : 0;
      var r = rings === 2 ? (ring ? 285 : 185) : 250;
      var angle = (2 * Math.PI * i) / Math.max(1, nodes.length) - Math.PI / 2;
      pos[n.iri] = [cx + r * Math.cos(angle) * 1.35, cy + r * Math.sin(angle)];
    });
    var edgeLayer = svgEl("g"), nodeLayer = svgEl("g");
    svg.append(edgeLayer, nodeLayer);
    g.edges.forEach(function (e) {
      var a = pos[e.source], b = pos[e.target];
      if (!a || !b) return;
      var line = svgEl("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], "class": "edge"});
      var t = svgEl("title"); t.textContent = e.label; line.appendChild(t);
      edgeLayer.appendChild(line);
    });
    function drawNode(n, center) {
      var p = pos[n.iri];
      var group = n.group || n.type || "Other";
      if (!GROUP_NAMES[group]) group = "Other";
      var c = svgEl("circle", {cx: p[0], cy: p[1], r: center ? 14 : 8, "class": "node g-" + group + (center ? " center" : ""),
                               "data-iri": n.iri});
      var t = svgEl("title"); t.textContent = n.label + "\n" + n.iri; c.appendChild(t);
      c.addEventListener("click", function () {
        if (n.type === "Passage") showPassage(n.iri);
        if (!center) loadGraph(n.iri);
      });
      var label = svgEl("text", {x: p[0], y: p[1] + (center ? 30 : 20), "text-anchor": "middle",
                                 "class": "label" + (center ? " center" : "")});
      label.textContent = truncate(n.label, center ? 24 : 12);
      nodeLayer.append(c, label);
    }
    nodes.forEach(function (n) { drawNode(n, false); });
    drawNode(g.center, true);
  }

  function describe(g) {
    var box = $("graph-info");
    box.replaceChildren();
    box.appendChild(el("h3", {text: g.center.label}));
    box.appendChild(el("div", {className: "muted", text: (GROUP_NAMES[g.center.group] || g.center.type || "") + " · " + g.center.iri}));
    var dl = el("dl");
    g.properties.forEach(function (p) {
      dl.append(el("dt", {text: p.name}), el("dd", {text: truncate(p.value, 400) + (p.lang ? " @" + p.lang : "")}));
    });
    box.appendChild(dl);
    var counts = {};
    g.edges.forEach(function (e) {
      var k = (e.source === g.center.iri ? "→ " : "← ") + e.label;
      counts[k] = (counts[k] || 0) + 1;
    });
    var ul = el("ul");
    Object.keys(counts).sort().forEach(function (k) { ul.appendChild(el("li", {text: k + " × " + counts[k]})); });
    box.append(el("div", {className: "muted", text: "关系"}), ul);
    if (g.center.type === "Passage") {
      box.appendChild(el("button", {type: "button", text: "查看原文", onclick: function () { showPassage(g.center.iri); }}));
    }
  }

  /* ---------------------------------------------------------------- indicator view */
  /* One indicator by place (a bar per place, best first) for a year and status, or named places
     over the years (a line per place and status). Every bar and point opens its quote. The view
     is in the URL: #indicator?name=…&year=…&status=…&growth=1&places=…, so Back and reload work. */
  var MAGNITUDE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3};
  var chart = null;

  function unitFactor(unit) {
    var keys = Object.keys(MAGNITUDE).sort(function (a, b) { return b.length - a.length; });
    for (var i = 0; i < keys.length; i++) if ((unit || "").indexOf(keys[i]) === 0) return MAGNITUDE[keys[i]];
    return 1;
  }

  /* the figures on one scale: the unit most facts use; others converted through their base unit */
  function plotted(facts) {
    var counts = {};
    facts.forEach(function (f) { counts[f.unit] = (counts[f.unit] || 0) + 1; });
    var unit = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })[0] || "";
    return {unit: unit, values: facts.map(function (f) {
      var v = parseFloat(f.value);
      if (f.unit !== unit) {
        if (f.normalized_value == null || f.normalized_unit !== unit.replace(/^(万亿|亿|万|千)/, "")) return null;
        v = parseFloat(f.normalized_value) / unitFactor(unit);
      }
      return f.direction === "down" ? -v : v;
    })};
  }

  function indicatorParams() {
    var p = {indicator: $("indicator-name").value.trim()};
    if ($("indicator-year").value) p.year = $("indicator-year").value;
    if ($("indicator-status").value) p.status = $("indicator-status").value;
    if ($("indicator-growth").checked) p.growth = "true";
    var places = $("indicator-places").value.split(/[,，、\s]+/).filter(Boolean);
    return {params: p, places: places};
  }

  function runIndicator() {
    var q = indicatorParams();
    if (!q.params.indicator) return;
    setView("indicator", Object.assign({}, q.params, q.places.length ? {places: q.places.join(",")} : {}));
    var url = "/compare?" + new URLSearchParams(q.params).toString() +
      q.places.map(function (x) { return "&place=" + encodeURIComponent(x); }).join("");
    setStatus("indicator-status-line", "查询中…");
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (resp) {
      return resp.json().then(function (body) {
        if (!resp.ok) throw new Error(body.error || ("HTTP " + resp.status));
        return body;
      });
    }).then(renderIndicator).catch(function (e) {
      if (chart) chart.clear();
      $("indicator-table").replaceChildren();
      setStatus("indicator-status-line", e.message, true);
    });
  }

  function indicatorFromHash() {
    var params = viewParams();
    $("indicator-name").value = params.get("indicator") || "";
    $("indicator-year").value = params.get("year") || "";
    $("indicator-status").value = params.get("status") || "";
    $("indicator-growth").checked = params.get("growth") === "true";
    $("indicator-places").value = params.get("places") || "";
    if ($("indicator-name").value) runIndicator();
  }

  function renderIndicator(r) {
    var facts = r.facts;
    var title = (r.year ? r.year + "年" : "") + r.indicator + (r.growth ? "增速" : "") +
      (r.status === "Target" ? "（目标）" : r.status === "Actual" ? "（实际）" : "");
    var missing = r.missing && r.missing.length ? "；没有数据：" + r.missing.join("、") : "";
    setStatus("indicator-status-line", facts.length ? title + "：" + facts.length + " 条" + missing : "没有找到数据" + missing);
    var scale = plotted(facts);
    if (!chart) chart = echarts.init($("indicator-chart"), null, {renderer: "canvas"});
    chart.off("click");
    var option;
    if (r.over_years) {
      var years = Array.from(new Set(facts.map(function (f) { return f.year; }))).sort();
      var series = {};
      facts.forEach(function (f, i) {
        var key = f.place + " " + STATUS[f.status];
        series[key] = series[key] || {name: key, type: "line", data: [], connectNulls: true};
        series[key].data.push({value: [String(f.year), scale.values[i]], fact: i});
      });
      option = {title: {text: title, left: "center", textStyle: {fontSize: 14}}, tooltip: {trigger: "item"},
                legend: {bottom: 0}, grid: {left: 60, right: 20, top: 40, bottom: 50},
                xAxis: {type: "category", data: years.map(String)}, yAxis: {type: "value", name: scale.unit, scale: true},
                series: Object.keys(series).map(function (k) { return series[k]; })};
    } else {
      option = {title: {text: title, left: "center", textStyle: {fontSize: 14}}, tooltip: {trigger: "item"},
                grid: {left: 60, right: 20, top: 40, bottom: 90},
                xAxis: {type: "category", data: facts.map(function (f) { return f.place; }),
                        axisLabel: {rotate: 40, interval: 0}},
                yAxis: {type: "value", name: scale.unit},
                series: [{type: "bar", name: r.indicator, itemStyle: {color: "#2f7ebc"},
                          data: facts.map(function (f, i) { return {value: scale.values[i], fact: i}; })}]};
    }
    option.tooltip.formatter = function (p) {  /* plain text: ECharts shows it as text with renderMode richText */
      var f = facts[p.data.fact];
      return f.place + " " + f.year + " " + STATUS[f.status] + "：" + f.value + f.unit + "\n「" + f.quote + "」";
    };
    option.tooltip.renderMode = "richText";
    option.animation = false;  /* figures, not a show: drawn at once */
    chart.setOption(option, true);
    chart.on("click", function (p) {
      var f = facts[p.data.fact];
      showPassage(f.passage, f.quote_start, f.quote_end, f.quote);
    });
    var table = $("indicator-table");
    var head = el("tr", {}, ["#", "地区", "年份", "状态", "数值", "原文", "来源"].map(function (h) { return el("th", {text: h}); }));
    var rows = facts.map(function (f, i) {
      return el("tr", {}, [el("td", {text: String(f.rank)}), el("td", {text: f.place}), el("td", {text: String(f.year)}),
        el("td", {text: STATUS[f.status]}),
        el("td", {text: (f.direction === "down" ? "下降" : "") + f.value + (f.max_value ? "—" + f.max_value : "") + f.unit}),
        el("td", {}, [el("button", {type: "button", className: "linkish", text: "「" + f.quote + "」",
                                    onclick: function () { showPassage(f.passage, f.quote_start, f.quote_end, f.quote); }})]),
        el("td", {text: docLabel(f.doc), title: f.doc})]);
    });
    table.replaceChildren(el("thead", {}, [head]), el("tbody", {}, rows));
    window.govkg.indicatorChart = chart;
  }

  $("indicator-form").addEventListener("submit", function (ev) { ev.preventDefault(); runIndicator(); });
  window.addEventListener("resize", function () { if (chart) chart.resize(); });

  /* ---------------------------------------------------------------- start */
  /* the corpus at a glance, and questions built from it (the server checks each can be answered) */
  function loadOverview() {
    return api("/overview").then(function (o) {
      var c = o.counts;
      $("overview-counts").textContent = "语料：" + c.Document + " 份文件 · " + c.Passage + " 个段落 · " + c.Place +
        " 个地点 · " + c.Indicator + " 个标准指标 · " + c.Observation + " 条数据 · " + c.Agency + " 个机构 · " +
        c.Program + " 个项目/政策。试试：";
      $("overview-questions").replaceChildren.apply($("overview-questions"), o.questions.map(function (q) {
        return el("button", {type: "button", className: "chip", text: q,
                             onclick: function () { $("ask-q").value = q; runAsk(); }});
      }));
      $("overview").hidden = false;
    }).catch(function () { /* the page works without it */ });
  }

  function init() {
    loadOverview();
    api("/documents").then(function (docs) {
      docs.forEach(function (d) { DOCS[d.file] = d; });
    }).catch(function () { /* file names are shown instead */ }).then(restoreView);
    legend();
    api("/health").then(function (h) {
      $("build-info").textContent = "build " + h.build + " · SPARQL 超时 " + h.sparql.timeout + " s · 上限 " + h.sparql.max_rows + " 行";
    }).catch(function () { /* the page still works */ });
    loadExamples().then(updateDownloads).catch(function (e) {
      $("sparql-error").hidden = false; $("sparql-error").textContent = e.message;
    }).then(function () { document.body.setAttribute("data-ready", "1"); });
  }
  window.govkg = {showPassage: showPassage, loadGraph: loadGraph, runSparql: runSparql, runIndicator: runIndicator};
  init();
})();
