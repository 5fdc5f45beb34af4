"""The HTML export: one self-contained file with an interactive graph.

vis-network (the library pyvis wraps) is read from the installed pyvis package and inlined, with
its CSS. pyvis's own template is not used: with cdn_resources="in_line" pyvis 0.3.2 still adds
<link>/<script> tags for Bootstrap from cdn.jsdelivr.net, and its page has no fact panel. Here the
page makes no network request (a Content-Security-Policy forbids any), the data is one JSON
document in <script type="application/json"> with <, >, & escaped (so document text cannot close
the script element or open a comment), and every text from the corpus is put into the page with
textContent, never as HTML.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from .errors import KGError

KIND_NAMES = {"Province": "省级行政区", "City": "地级市", "District": "区县", "DevelopmentZone": "开发区/新区",
              "Town": "乡镇街道", "Place": "地点"}
PREDICATE_NAMES = {"gk:locatedIn": "位于", "gk:responsibleAgency": "责任机构", "gk:mentions": "提及",
                   "gk:inDocument": "所属文件", "gk:Observation": "观测值"}
EDGE_COLORS = {"gk:Observation": "#c9b8e3", "gk:locatedIn": "#2f7ebc", "gk:responsibleAgency": "#e5812d",
               "gk:mentions": "#d5d8dc", "gk:inDocument": "#7f868d"}


@lru_cache(maxsize=1)
def vis_network_assets() -> tuple[str, str, str]:
    """(version, JS, CSS) of the newest vis-network shipped in the pyvis package."""
    try:
        import pyvis
    except ImportError:
        raise KGError("the HTML export needs the pyvis package (pip install pyvis)") from None
    root = Path(pyvis.__file__).resolve().parent
    found = []
    for js in root.glob("**/vis-*/vis-network.min.js"):
        match = re.match(r"vis-(\d+)\.(\d+)\.(\d+)$", js.parent.name)
        if match and (js.parent / "vis-network.css").is_file():
            found.append((tuple(map(int, match.groups())), js))
    if not found:
        raise KGError(f"vis-network not found in the pyvis package at {root}")
    version, js = max(found)
    script = js.read_text(encoding="utf-8")
    css = (js.parent / "vis-network.css").read_text(encoding="utf-8")
    # inline-safe: nothing in the library may end the <script>/<style> element early
    script = re.sub(r"</(script)", r"<\\/\1", script, flags=re.IGNORECASE)
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return ".".join(map(str, version)), script, css


def script_json(data) -> str:
    """JSON that is safe inside <script>: no </, <!--, or ]]> can appear in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_data(sub, G, pos: dict, title: str) -> dict:
    from .export import OBSERVATION, TYPE_STYLE, _size

    counts: dict[str, int] = {}
    nodes = []
    for iri, data in G.nodes(data=True):
        node = sub.nodes[iri]
        counts[node.type] = counts.get(node.type, 0) + 1
        x, y = pos.get(iri, (0.0, 0.0))
        item = {"id": iri, "label": node.label, "type": node.type, "kind": node.kind, "aliases": node.aliases,
                "x": x, "y": y, "size": _size(data["degree"]), "degree": data["degree"],
                "extra": {k: v for k, v in node.extra.items() if k != "document"}}
        if iri in sub.snippets:
            item["snippets"] = sub.snippets[iri]
        nodes.append(item)
    edges = []
    for e in sub.edges:
        item = {"id": e.id, "source": e.source, "target": e.target, "predicate": e.predicate, "label": e.label}
        if e.predicate == OBSERVATION:
            item["obs"] = e.attrs
        edges.append(item)
    types = {t: {"color": c, "name": zh, "count": counts[t]} for t, (c, zh) in TYPE_STYLE.items() if t in counts}
    return {"title": title, "description": sub.description, "types": types, "kinds": KIND_NAMES,
            "predicates": PREDICATE_NAMES, "edgeColors": EDGE_COLORS, "nodes": nodes, "edges": edges}


def to_html(sub, G, pos: dict, title: str, version: str = "") -> bytes:
    vis_version, vis_js, vis_css = vis_network_assets()
    data = page_data(sub, G, pos, title)
    # split first: neither the library, the data nor a label is ever searched for a placeholder
    head, rest = TEMPLATE.split("@@VIS_CSS@@")
    rest, tail = rest.split("@@VIS_JS@@")
    tail, end = tail.split("@@DATA@@")
    fields = {"@@TITLE@@": html.escape(title),
              "@@GENERATOR@@": html.escape(f"govkg {version}; vis-network {vis_version} (from pyvis)"),
              "@@STATS@@": html.escape(f"{len(data['nodes'])} 节点 · {len(data['edges'])} 边 · {sub.description}")}

    def fill(part: str) -> str:
        return re.sub("|".join(map(re.escape, fields)), lambda m: fields[m.group(0)], part)

    return (fill(head) + vis_css + fill(rest) + vis_js + fill(tail) + script_json(data) + fill(end)).encode("utf-8")


TEMPLATE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="generator" content="@@GENERATOR@@">
<title>@@TITLE@@</title>
<style>@@VIS_CSS@@</style>
<style>
  html, body { margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
               font-size: 14px; color: #222; }
  body { display: flex; flex-direction: column; }
  header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 8px 12px;
           border-bottom: 1px solid #ddd; background: #fafafa; }
  header h1 { font-size: 16px; margin: 0; }
  #stats { color: #666; font-size: 12px; }
  #searchbox { position: relative; }
  #search { width: 240px; padding: 5px 8px; font-size: 14px; border: 1px solid #bbb; border-radius: 4px; }
  #results { position: absolute; z-index: 10; top: 32px; left: 0; min-width: 240px; max-height: 320px; overflow: auto;
             margin: 0; padding: 0; list-style: none; background: #fff; border: 1px solid #ccc; box-shadow: 0 2px 6px #0002; }
  #results:empty { display: none; }
  #results li { padding: 4px 8px; cursor: pointer; white-space: nowrap; }
  #results li:hover, #results li.active { background: #e8f0fb; }
  #legend { display: flex; flex-wrap: wrap; gap: 6px; }
  #legend button { display: flex; align-items: center; gap: 5px; border: 1px solid #ccc; background: #fff;
                   border-radius: 12px; padding: 2px 9px; cursor: pointer; font-size: 12px; }
  #legend button.off { opacity: .35; }
  .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%; }
  main { flex: 1; display: flex; min-height: 0; }
  #graph { flex: 1; min-width: 0; position: relative; background: #fff; }
  #panel { width: 380px; max-width: 45%; overflow: auto; border-left: 1px solid #ddd; padding: 10px 14px;
           background: #fcfcfc; }
  #panel h2 { font-size: 18px; margin: 4px 0 6px; word-break: break-all; }
  #panel h3 { font-size: 14px; margin: 14px 0 6px; border-bottom: 1px solid #e4e4e4; padding-bottom: 3px; }
  .badge { display: inline-block; color: #fff; border-radius: 3px; padding: 1px 6px; font-size: 12px; }
  .iri { font-family: monospace; font-size: 11px; color: #777; word-break: break-all; margin: 4px 0; }
  .muted { color: #777; }
  .facts { list-style: none; margin: 0; padding: 0; }
  .facts li { margin: 0 0 8px; padding: 5px 7px; background: #fff; border: 1px solid #eee; border-radius: 4px; }
  .fact-value { font-weight: 600; }
  .target { color: #b35c00; }
  .quote { display: block; margin-top: 3px; color: #444; background: #f6f3ea; padding: 3px 6px; border-radius: 3px;
           white-space: pre-wrap; word-break: break-all; }
  .source { display: block; font-size: 11px; color: #888; }
  .link { border: none; background: none; color: #1a5fb4; padding: 0; cursor: pointer; font: inherit; text-align: left; }
  .link:hover { text-decoration: underline; }
  .passage-text { white-space: pre-wrap; word-break: break-all; background: #fff; border: 1px solid #eee; padding: 6px; }
  footer { font-size: 11px; color: #999; padding: 2px 12px; border-top: 1px solid #eee; }
</style>
</head>
<body>
<header>
  <h1>@@TITLE@@</h1>
  <span id="stats">@@STATS@@</span>
  <div id="searchbox">
    <input id="search" type="search" placeholder="搜索节点（名称或别名）" autocomplete="off" aria-label="search a node">
    <ul id="results" role="listbox"></ul>
  </div>
  <div id="legend" aria-label="legend"></div>
</header>
<main>
  <div id="graph"></div>
  <aside id="panel"><p class="muted">点击节点查看事实与原文出处。Click a node to see its facts and source quotes.</p></aside>
</main>
<footer>@@GENERATOR@@ · 拖动平移，滚轮缩放 · drag to pan, scroll to zoom</footer>
<script>@@VIS_JS@@</script>
<script type="application/json" id="kg-data">@@DATA@@</script>
<script>
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = new Map(), adjacency = new Map();
  DATA.nodes.forEach(function (n) { byId.set(n.id, n); adjacency.set(n.id, []); });
  DATA.edges.forEach(function (e) {
    if (adjacency.has(e.source)) adjacency.get(e.source).push(e);
    if (adjacency.has(e.target) && e.target !== e.source) adjacency.get(e.target).push(e);
  });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else if (k === "style") node.setAttribute("style", attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function short(label) { return label.length > 14 ? label.slice(0, 13) + "…" : label; }
  function typeColor(t) { return (DATA.types[t] || {}).color || "#999"; }
  function typeName(n) {
    var name = (DATA.types[n.type] || {}).name || n.type;
    return n.type === "Place" && n.kind && n.kind !== "Place" ? name + " · " + (DATA.kinds[n.kind] || n.kind) : name;
  }

  var hidden = {};
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var tip = el("div", {text: n.label + "（" + typeName(n) + "）"});
    return {id: n.id, label: short(n.label), title: tip, x: n.x, y: n.y, size: n.size, shape: "dot",
            color: {background: typeColor(n.type), border: "#ffffff",
                    highlight: {background: typeColor(n.type), border: "#111111"},
                    hover: {background: typeColor(n.type), border: "#333333"}}};
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e) {
    return {id: e.id, from: e.source, to: e.target, color: {color: DATA.edgeColors[e.predicate] || "#bbbbbb", opacity: 0.8},
            width: e.predicate === "gk:Observation" ? 0.6 : 1.2};
  }));
  var container = document.getElementById("graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    physics: false,
    layout: {improvedLayout: false},
    interaction: {hover: true, navigationButtons: true, keyboard: {enabled: true, bindToWindow: false},
                  tooltipDelay: 150, hideEdgesOnDrag: DATA.edges.length > 3000},
    nodes: {font: {size: 13, strokeWidth: 3, strokeColor: "#ffffff"}, borderWidth: 1},
    edges: {smooth: false, arrows: {to: {enabled: true, scaleFactor: 0.35}}, selectionWidth: 1.5}
  });

  // ---------------------------------------------------------------- legend
  var legend = document.getElementById("legend");
  Object.keys(DATA.types).forEach(function (t) {
    var info = DATA.types[t];
    var button = el("button", {type: "button", "data-type": t, title: "显示/隐藏 " + t},
                    [el("span", {className: "swatch", style: "background:" + info.color}),
                     info.name + " " + t + " (" + info.count + ")"]);
    button.addEventListener("click", function () {
      hidden[t] = !hidden[t];
      button.classList.toggle("off", hidden[t]);
      nodes.update(DATA.nodes.filter(function (n) { return n.type === t; })
                             .map(function (n) { return {id: n.id, hidden: hidden[t]}; }));
    });
    legend.appendChild(button);
  });

  // ---------------------------------------------------------------- facts panel
  var panel = document.getElementById("panel");
  function nodeLink(id) {
    var n = byId.get(id);
    var b = el("button", {type: "button", className: "link", "data-node": id}, [n ? n.label : id]);
    b.addEventListener("click", function () { select(id); });
    return b;
  }
  function factItem(e, nodeId) {
    var o = e.obs || {};
    var other = e.source === nodeId ? e.target : e.source;
    var head = el("div", {}, [nodeLink(other), " ",
      el("span", {className: "fact-value", text: (o.value_text || "") + (o.unit || "")}),
      o.year ? " · " + o.year + "年" : "",
      o.period ? " · " + o.period : "",
      o.status === "Target" ? el("span", {className: "target", text: " · 目标"}) : " · 实际",
      o.qualifier ? " · " + o.qualifier : ""]);
    var quote = o.quote ? el("span", {className: "quote", text: "“" + o.quote + "”"}) : null;
    var source = el("span", {className: "source", text: (o.doc || "") + (o.conflicts_with ? " · 与其他来源数值不一致" : "")});
    return el("li", {"data-observation": e.id}, [head, quote, source]);
  }
  function show(id) {
    var n = byId.get(id);
    if (!n) return;
    panel.textContent = "";
    panel.appendChild(el("h2", {text: n.label}));
    panel.appendChild(el("span", {className: "badge", style: "background:" + typeColor(n.type), text: typeName(n)}));
    panel.appendChild(el("div", {className: "iri", text: n.id}));
    if (n.aliases && n.aliases.length) panel.appendChild(el("div", {}, ["别名：" + n.aliases.join("、")]));
    var x = n.extra || {};
    if (x.division_code) panel.appendChild(el("div", {className: "muted", text: "行政区划代码 " + x.division_code}));
    if (n.type === "Document") {
      panel.appendChild(el("div", {text: "文件：" + (x.file || "")}));
      if (x.date) panel.appendChild(el("div", {text: "日期：" + x.date}));
    }
    if (n.type === "Passage") {
      panel.appendChild(el("div", {className: "muted", text: (x.doc || "") + " [" + x.start + ":" + x.end + "]"}));
      panel.appendChild(el("h3", {text: "原文 Text"}));
      panel.appendChild(el("div", {className: "passage-text", text: x.text || ""}));
    }
    var edgesHere = adjacency.get(id) || [];
    var links = edgesHere.filter(function (e) { return e.predicate !== "gk:Observation"; });
    var facts = edgesHere.filter(function (e) { return e.predicate === "gk:Observation"; });
    if (facts.length) {
      panel.appendChild(el("h3", {text: "数据 Facts (" + facts.length + ")"}));
      var list = el("ul", {className: "facts"});
      facts.slice().sort(function (a, b) { return ((b.obs || {}).year || 0) - ((a.obs || {}).year || 0); })
        .slice(0, 300).forEach(function (e) { list.appendChild(factItem(e, id)); });
      panel.appendChild(list);
      if (facts.length > 300) panel.appendChild(el("p", {className: "muted", text: "… " + (facts.length - 300) + " more"}));
    }
    if (links.length) {
      panel.appendChild(el("h3", {text: "关系 Relations (" + links.length + ")"}));
      var groups = new Map();
      links.forEach(function (e) {
        var out = e.source === id, key = (out ? "out " : "in ") + e.predicate;
        if (!groups.has(key)) groups.set(key, {out: out, predicate: e.predicate, ids: []});
        groups.get(key).ids.push(out ? e.target : e.source);
      });
      var ul = el("ul", {className: "facts"});
      groups.forEach(function (g) {
        var name = (DATA.predicates[g.predicate] || g.predicate) + " (" + g.predicate + ")";
        var li = el("li", {"data-predicate": g.predicate},
                    [el("div", {className: "muted", text: g.out ? name + " →" : "← " + name + "：" + n.label})]);
        g.ids.slice(0, 200).forEach(function (other, i) {
          if (i) li.appendChild(document.createTextNode("、"));
          li.appendChild(nodeLink(other));
        });
        if (g.ids.length > 200) li.appendChild(document.createTextNode(" … " + (g.ids.length - 200) + " more"));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    if (n.snippets && n.snippets.length) {
      panel.appendChild(el("h3", {text: "原文提及 Source quotes"}));
      var quotes = el("ul", {className: "facts"});
      n.snippets.forEach(function (s) {
        quotes.appendChild(el("li", {}, [el("span", {className: "quote", text: s.text}),
                                          el("span", {className: "source", text: s.doc})]));
      });
      panel.appendChild(quotes);
    }
    panel.scrollTop = 0;
  }
  function select(id) {
    if (!byId.has(id)) return;
    var t = byId.get(id).type;
    if (hidden[t]) legend.querySelector('[data-type="' + t + '"]').click();
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.1), animation: {duration: 300}});
    show(id);
  }
  network.on("click", function (params) {
    if (params.nodes.length) show(params.nodes[0]);
  });

  // ---------------------------------------------------------------- search
  var input = document.getElementById("search"), results = document.getElementById("results");
  var matches = [];
  function norm(s) { return String(s).toLowerCase().replace(/\\s+/g, ""); }
  input.addEventListener("input", function () {
    var q = norm(input.value);
    results.textContent = "";
    matches = [];
    if (!q) return;
    var exact = [], partial = [];
    DATA.nodes.forEach(function (n) {
      var names = [n.label].concat(n.aliases || []).map(norm);
      if (names.indexOf(q) >= 0) exact.push(n);
      else if (names.some(function (s) { return s.indexOf(q) >= 0; })) partial.push(n);
    });
    partial.sort(function (a, b) { return b.degree - a.degree || a.label.length - b.label.length; });
    matches = exact.concat(partial).slice(0, 20);
    matches.forEach(function (n, i) {
      var li = el("li", {role: "option", "data-node": n.id, className: i === 0 ? "active" : ""},
                  [el("span", {className: "swatch", style: "background:" + typeColor(n.type)}), " " + n.label,
                   el("span", {className: "muted", text: " " + typeName(n)})]);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(n.id); });
      results.appendChild(li);
    });
    if (!matches.length) results.appendChild(el("li", {className: "muted", text: "没有匹配的节点 no match"}));
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && matches.length) { ev.preventDefault(); pick(matches[0].id); }
    if (ev.key === "Escape") { results.textContent = ""; }
  });
  input.addEventListener("blur", function () { setTimeout(function () { results.textContent = ""; }, 150); });
  function pick(id) { results.textContent = ""; input.value = byId.get(id).label; select(id); }

  network.once("afterDrawing", function () { document.body.setAttribute("data-ready", "1"); });
  window.govkg = {network: network, nodes: nodes, edges: edges, data: DATA, select: select, show: show};
})();
</script>
</body>
</html>
"""
