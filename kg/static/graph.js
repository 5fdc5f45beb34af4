/* The graph view on vis-network, shared by the page and the HTML export (one drawing, one legend,
   one set of colours). Every text from the corpus reaches the canvas as a label or as a tooltip
   element built with textContent, never as markup.

   var g = GovkgGraph(container, {physics: true, edgeLabels: true, onSelect: fn(id), onExpand: fn(id)});
   g.add(nodes, edges)   nodes: {id, label, type, kind?, x?, y?, size?, near?}  edges: {id?, source, target, label}
   g.clear(); g.select(id); g.has(id); g.setHidden(type, bool); g.legend(box, counts?); g.network */
(function () {
  "use strict";
  var TYPE_NAMES = {Place: "地点", Metric: "指标", Agency: "机构", Program: "项目/政策", Observation: "数据",
                    Passage: "段落", Document: "文件", Other: "其他"};

  function colour(type) {
    var css = getComputedStyle(document.documentElement);
    return (css.getPropertyValue("--" + String(type || "other").toLowerCase()) ||
            css.getPropertyValue("--other") || "#7f7f7f").trim() || "#7f7f7f";
  }

  /* Labels wrap at about 10 characters, at most three lines, the rest cut with …: the whole name is
     in the tooltip. A line breaks between Chinese characters, after punctuation or at a space, never
     inside a number or a Latin word (2020-2026年, 5G, “1+2+N”): those stay whole with their unit. */
  var LINE = 10, LINES = 3;
  var ATOM = /[A-Za-z0-9][A-Za-z0-9.,:%+\-\/·]*[年月日号个项%]?|\s+|[\s\S]/g;
  function wrapped(label) {
    var s = String(label == null ? "" : label).replace(/\s+/g, " ").trim();
    var atoms = s.match(ATOM) || [], lines = [], line = [], len = 0, i = 0;
    function width(list) { return list.join("").length; }
    for (; i < atoms.length && lines.length < LINES; i++) {
      var a = atoms[i];
      if (len + a.length > LINE && len) {
        /* break at the last space or punctuation of the line when there is one, else here */
        var at = -1;
        for (var j = line.length - 1; j > 0; j--) if (/^[\s·、，,:：；;）)》」”]$/.test(line[j])) { at = j + 1; break; }
        var rest = at > 0 && width(line.slice(0, at)) >= 4 ? line.slice(at) : [];
        lines.push(line.slice(0, line.length - rest.length).join("").trim());
        line = rest; len = width(rest);
        if (/^\s+$/.test(a) && !len) continue;
      }
      line.push(a); len += a.length;
    }
    var cut = i < atoms.length || (lines.length === LINES && len);
    if (lines.length < LINES && len) lines.push(line.join("").trim());
    lines = lines.filter(Boolean).map(function (l) { return l.length > LINE + 6 ? l.slice(0, LINE + 5) + "…" : l; });
    if (cut && lines.length) lines[lines.length - 1] = lines[lines.length - 1].replace(/…?$/, "…");
    return lines.join("\n");
  }

  function tooltip(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div;
  }

  function GovkgGraph(container, opts) {
    opts = opts || {};
    var nodes = new vis.DataSet(), edges = new vis.DataSet(), info = {}, hidden = {};
    var physics = opts.physics !== false;
    var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
      autoResize: true,
      physics: physics ? {solver: "forceAtlas2Based", stabilization: {iterations: 150, fit: true},
                          forceAtlas2Based: {gravitationalConstant: -80, springLength: 130, avoidOverlap: 0.8}}
                       : false,
      layout: {improvedLayout: false},
      interaction: {hover: true, navigationButtons: true, keyboard: {enabled: true, bindToWindow: false},
                    tooltipDelay: 150, multiselect: false},
      nodes: {shape: "dot", size: 12, borderWidth: 1, font: {size: 13, strokeWidth: 3, strokeColor: "#ffffff", multi: false}},
      edges: {smooth: false, width: 1, arrows: {to: {enabled: true, scaleFactor: 0.4}}, selectionWidth: 1.5,
              font: {size: 10, color: "#555", strokeWidth: 3, strokeColor: "#ffffff", align: "middle"},
              color: {color: "#b8c0c8", highlight: "#333", hover: "#666"}}
    });
    var settled = !physics;
    if (physics) {  /* laid out once, then still: a dragged node stays where it is put */
      network.on("stabilizationIterationsDone", function () {
        network.setOptions({physics: {enabled: false}});
        settled = true;
      });
    }

    function nodeItem(n, at) {
      var c = colour(n.type), name = TYPE_NAMES[n.type] || n.type || "";
      var item = {id: n.id, label: wrapped(n.label),
                  title: tooltip(n.label + "（" + name + "）" + (n.excerpt ? "\n" + n.excerpt : "") + "\n" + n.id),
                  size: n.size || 12, hidden: !!hidden[n.type],
                  color: {background: c, border: "#ffffff", highlight: {background: c, border: "#111111"},
                          hover: {background: c, border: "#333333"}}};
      if (n.x != null) { item.x = n.x; item.y = n.y; } else if (at) { item.x = at.x; item.y = at.y; }
      return item;
    }

    function add(newNodes, newEdges) {
      var fresh = [], k = 0;
      (newNodes || []).forEach(function (n) {
        info[n.id] = Object.assign({}, info[n.id] || {}, n);
        if (nodes.get(n.id)) return;
        var at = null;
        if (n.near && nodes.get(n.near)) {  /* a new neighbour starts next to the node it was opened from */
          var p = network.getPosition(n.near), angle = (k++) * 2.4;
          at = {x: p.x + 90 * Math.cos(angle), y: p.y + 90 * Math.sin(angle)};
        }
        fresh.push(nodeItem(n, at));
      });
      nodes.add(fresh);
      var freshEdges = [];
      (newEdges || []).forEach(function (e) {
        var id = e.id || (e.source + " " + (e.predicate || e.label) + " " + e.target);
        if (edges.get(id)) return;
        var item = {id: id, from: e.source, to: e.target, title: tooltip(e.label || e.predicate || "")};
        if (opts.edgeLabels !== false) {
          item.label = e.label || "";
          item.font = labelFont(quiet);
          item.chosen = {edge: true, label: function (values) { values.color = "#222"; values.strokeWidth = 3; }};
        }
        if (e.color) item.color = {color: e.color, opacity: 0.8};
        if (e.width) item.width = e.width;
        freshEdges.push(item);
      });
      edges.add(freshEdges);
      if (opts.edgeLabels !== false) quietLabels(edges.length > EDGE_LABELS_MAX);
      if (physics && fresh.length) {
        settled = false;
        network.setOptions({physics: {enabled: true}});
        network.stabilize(120);
      }
      return fresh.length;
    }

    /* with many links their labels would cover each other: then a label shows on hover or selection */
    var EDGE_LABELS_MAX = 30, quiet = null;
    function labelFont(on) { return on ? {color: "rgba(0,0,0,0)", strokeWidth: 0} : {color: "#555", strokeWidth: 3}; }
    function quietLabels(on) {
      if (on === quiet) return;
      quiet = on;
      edges.update(edges.getIds().map(function (id) { return {id: id, font: labelFont(on)}; }));
    }

    function clear() { nodes.clear(); edges.clear(); Object.keys(info).forEach(function (k) { delete info[k]; }); }

    function select(id) {
      if (!nodes.get(id)) return false;
      var t = (info[id] || {}).type;
      if (hidden[t]) setHidden(t, false);
      network.selectNodes([id]);
      network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: {duration: 300}});
      return true;
    }

    var legendButtons = {};
    function setHidden(type, value) {
      hidden[type] = value;
      if (legendButtons[type]) legendButtons[type].classList.toggle("off", value);
      nodes.update(Object.keys(info).filter(function (id) { return info[id].type === type && nodes.get(id); })
                                    .map(function (id) { return {id: id, hidden: value}; }));
      if (opts.onHidden) opts.onHidden(type, value);
    }

    /* a button per type (a click hides or shows it), with counts when given */
    function legend(box, counts) {
      box.classList.add("kg-legend");
      box.replaceChildren();
      legendButtons = {};
      Object.keys(TYPE_NAMES).forEach(function (t) {
        if (counts && !counts[t]) return;
        var b = document.createElement("button"), dot = document.createElement("span");
        b.type = "button";
        b.setAttribute("data-type", t);
        b.title = "显示/隐藏 " + TYPE_NAMES[t];
        dot.className = "kg-swatch";
        dot.style.background = colour(t);
        b.append(dot, TYPE_NAMES[t] + (counts ? " " + counts[t] : ""));
        b.addEventListener("click", function () { setHidden(t, !hidden[t]); });
        if (hidden[t]) b.classList.add("off");
        legendButtons[t] = b;
        box.appendChild(b);
      });
    }

    network.on("click", function (p) { if (p.nodes.length && opts.onSelect) opts.onSelect(p.nodes[0]); });
    network.on("doubleClick", function (p) { if (p.nodes.length && opts.onExpand) opts.onExpand(p.nodes[0]); });

    return {add: add, clear: clear, select: select, setHidden: setHidden, legend: legend, network: network,
            nodes: nodes, edges: edges, info: info, has: function (id) { return !!nodes.get(id); },
            isHidden: function (type) { return !!hidden[type]; },
            /* true once the layout has come to rest (nothing moves until the next add) */
            settled: function () { return settled; },
            /* where a node is drawn, in page pixels (for tests and for placing a menu) */
            screenPosition: function (id) {
              var p = network.canvasToDOM(network.getPosition(id)), r = container.getBoundingClientRect();
              return {x: r.left + p.x, y: r.top + p.y};
            }};
  }
  GovkgGraph.TYPE_NAMES = TYPE_NAMES;
  GovkgGraph.colour = colour;
  GovkgGraph.wrapped = wrapped;
  window.GovkgGraph = GovkgGraph;
})();
