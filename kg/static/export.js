/* The HTML export's page: the graph (graph.js), a legend, a node search and a panel with each
   node's facts and their source quotes. The data is the JSON in #kg-data; every text from it is put
   into the page with textContent, never as markup. */
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
  function typeColor(t) { return GovkgGraph.colour(t); }
  function typeName(n) {
    var name = (DATA.types[n.type] || {}).name || n.type;
    return n.type === "Place" && n.kind && n.kind !== "Place" ? name + " · " + (DATA.kinds[n.kind] || n.kind) : name;
  }

  /* drawn where the exporter laid it out (networkx), so the page opens still and at once */
  var graph = GovkgGraph(document.getElementById("graph"), {physics: false, edgeLabels: false,
                                                            onSelect: function (id) { show(id); }});
  graph.add(DATA.nodes.map(function (n) {
    return {id: n.id, label: n.label, type: n.type, kind: n.kind, x: n.x, y: n.y, size: n.size};
  }), DATA.edges.map(function (e) {
    return {id: e.id, source: e.source, target: e.target, predicate: e.predicate,
            label: (DATA.predicates[e.predicate] || e.predicate), color: DATA.edgeColors[e.predicate] || "#bbbbbb",
            width: e.predicate === "gk:Observation" ? 0.6 : 1.2};
  }));
  var network = graph.network;
  var counts = {};
  Object.keys(DATA.types).forEach(function (t) { counts[t] = DATA.types[t].count; });
  var legend = document.getElementById("legend");
  graph.legend(legend, counts);

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
    var source = el("span", {className: "source", title: o.doc || "",
                             text: (o.display_title ? "《" + o.display_title + "》" : o.doc || "") +
                                   (o.conflicts_with ? " · 与其他来源数值不一致" : "")});
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
    graph.select(id);
    show(id);
  }
  // ---------------------------------------------------------------- search
  var input = document.getElementById("search"), results = document.getElementById("results");
  var matches = [];
  function norm(s) { return String(s).toLowerCase().replace(/\s+/g, ""); }
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
                  [el("span", {className: "kg-swatch", style: "background:" + typeColor(n.type)}), " " + n.label,
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
  window.govkg = {network: network, nodes: graph.nodes, edges: graph.edges, data: DATA, select: select, show: show};
})();
