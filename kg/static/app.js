/* govkg web page: ask, search, SPARQL, graph, indicator and document views. Talks only to this server.
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
  var GROUP_NAMES = GovkgGraph.TYPE_NAMES;  /* one name and one colour per type: graph.js */
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

  /* the server's messages are English (they are the CLI's too): the page says in Chinese that it is an error */
  function problem(text) { return /^[\u4e00-\u9fff]/.test(text) ? text : "出错：" + text; }
  function setStatus(id, text, isError) {
    var node = $(id);
    node.textContent = isError && text ? problem(text) : text || "";
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
  var TABS = ["ask", "search", "sparql", "graph", "indicator", "document"];
  function showTab(hash) {
    var name = (hash || "").split("?")[0];
    if (TABS.indexOf(name) < 0) name = "ask";
    TABS.forEach(function (t) {
      $("tab-" + t).hidden = t !== name;
      document.querySelector("#tabs a[data-tab='" + t + "']").classList.toggle("active", t === name);
    });
    if (name === "sparql" && editor) editor.refresh();  /* CodeMirror measures itself only when visible */
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
    if (tab === "document" && !p.get("file")) { showDocumentList(); return; }
    if (location.hash.indexOf("?") < 0) return;
    if (tab === "ask" && p.get("q")) { $("ask-q").value = p.get("q"); runAsk(); }
    else if (tab === "search" && p.get("q")) {
      $("search-q").value = p.get("q");
      if (p.get("k")) $("search-k").value = p.get("k");
      $("search-place").value = p.get("place") || "";
      $("search-doc").value = p.get("doc") || "";
      runSearch();
    } else if (tab === "sparql" && p.get("query")) { setQueryText(p.get("query")); runSparql(); }
    else if (tab === "graph" && p.get("iri")) loadGraph(p.get("iri"), p.getAll("open"), true);
    else if (tab === "indicator") indicatorFromHash();
    else if (tab === "document") {
      openDocument(p.get("file"), {ps: p.get("ps"), pe: p.get("pe"), qs: p.get("qs"), qe: p.get("qe")}, true);
    }
  }
  window.addEventListener("popstate", restoreView);

  /* ---------------------------------------------------------------- passage viewer */
  var viewerPassage = null, viewerQuote = null;

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
      viewerQuote = a >= 0 ? {qs: p.start + a, qe: p.start + b} : null;
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
  $("viewer-document").addEventListener("click", function () {
    if (!viewerPassage) return;
    openDocument(viewerPassage.doc, Object.assign({ps: viewerPassage.start, pe: viewerPassage.end}, viewerQuote || {}));
  });
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
    var params = {q: q, k: $("search-k").value};
    if ($("search-place").value.trim()) params.place = $("search-place").value.trim();
    if ($("search-doc").value) params.doc = $("search-doc").value;
    setView("search", params);
    setStatus("search-status", "检索中…");
    var list = $("search-results");
    api("/search", params).then(function (hits) {
      setStatus("search-status", hits.length ? hits.length + " 个段落" :
                "没有与“" + q + "”匹配良好的段落：换个说法，或用指标、地名、项目名检索");
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
  /* CodeMirror 5 (vendored) over the textarea: SPARQL highlighting, completion of prefixes, keywords
     and the ontology's and data's terms (from /vocabulary), the error position marked in place, a
     Cancel that closes the request (the server then kills the worker running it), results sortable
     by any column and paged. */
  var editor = null, vocabulary = null, errorMarks = [];
  var KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "VALUES",
                  "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX",
                  "COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE", "GROUP_CONCAT", "CONTAINS", "STRSTARTS", "REGEX",
                  "LANG", "LANGMATCHES", "STR", "xsd:decimal", "NOT EXISTS", "EXISTS", "DESC", "ASC"];
  /* search inside SPARQL (kg/search_service.py): the block, ready to fill in */
  var SEARCH_SERVICE = {text: "SERVICE <https://w3id.org/govkg/search> {\n    ?passage gk:matches \"低空经济\" ; gk:score ?score ; gk:k 20 .\n  }",
                        displayText: "SERVICE <https://w3id.org/govkg/search>  语义检索段落"};
  function queryText() { return editor ? editor.getValue() : $("sparql-q").value; }
  function setQueryText(q) { if (editor) editor.setValue(q); else $("sparql-q").value = q; }

  function sparqlHint(cm) {
    var cur = cm.getCursor(), line = cm.getLine(cur.line);
    var start = cur.ch;
    while (start > 0 && /[\w:\-\u4e00-\u9fff]/.test(line.charAt(start - 1))) start--;
    var word = line.slice(start, cur.ch), lower = word.toLowerCase(), list = [];
    var terms = (vocabulary && vocabulary.terms) || [];
    if (word.indexOf(":") >= 0) {
      terms.forEach(function (t) {
        if (t.short.toLowerCase().indexOf(lower) === 0 || (t.label && t.label.indexOf(word.split(":")[1]) >= 0 && word.split(":")[1]))
          list.push({text: t.short, displayText: t.short + (t.label ? "  " + t.label : "") + (t.kind === "class" ? "  (类)" : "")});
      });
    } else {
      Object.keys((vocabulary && vocabulary.prefixes) || PREFIXES).forEach(function (p) {
        if (p.indexOf(lower) === 0) list.push({text: p + ":", displayText: p + ":  前缀"});
      });
      KEYWORDS.forEach(function (k) { if (lower && k.toLowerCase().indexOf(lower) === 0) list.push(k); });
      if (lower && ("service".indexOf(lower) === 0 || "检索".indexOf(word) === 0)) list.push(SEARCH_SERVICE);
      terms.forEach(function (t) {  /* by local name or Chinese label: 位于 → gk:locatedIn */
        var local = t.short.split(":")[1] || "";
        if (lower && (local.toLowerCase().indexOf(lower) === 0 || (t.label && t.label.indexOf(word) >= 0)))
          list.push({text: t.short, displayText: t.short + (t.label ? "  " + t.label : "")});
      });
    }
    return {list: list.slice(0, 60), from: CodeMirror.Pos(cur.line, start), to: CodeMirror.Pos(cur.line, cur.ch)};
  }

  function setupEditor() {
    if (typeof CodeMirror === "undefined") return;  /* the plain textarea still works */
    editor = CodeMirror.fromTextArea($("sparql-q"), {
      mode: "application/sparql-query", lineNumbers: true, matchBrackets: true, indentUnit: 2, lineWrapping: true,
      extraKeys: {"Ctrl-Enter": function () { runSparql(); }, "Cmd-Enter": function () { runSparql(); },
                  "Ctrl-Space": "autocomplete"},
      hintOptions: {hint: sparqlHint, completeSingle: false}
    });
    editor.on("change", function () { clearErrorMarks(); updateDownloads(); });
    editor.on("inputRead", function (cm, change) {  /* completion opens as a prefixed name is typed */
      var typed = change.text.join("");
      if (/^[\w:]$/.test(typed)) {
        var cur = cm.getCursor(), before = cm.getLine(cur.line).slice(0, cur.ch);
        if (/\b[a-z]+:[\w\-]*$/i.test(before)) cm.showHint();
      }
    });
    api("/vocabulary").then(function (v) { vocabulary = v; }).catch(function () { /* completion without terms */ });
  }

  function clearErrorMarks() {
    errorMarks.forEach(function (m) { m.clear ? m.clear() : editor.removeLineClass(m, "background", "cm-error-line"); });
    errorMarks = [];
  }
  /* the parser says "error at LINE:COLUMN": mark that line and the character there */
  function markError(message) {
    var m = /error at (\d+):(\d+)/.exec(message);
    if (!m || !editor) return;
    var line = Number(m[1]) - 1, ch = Math.max(0, Number(m[2]) - 1);
    if (line >= editor.lineCount()) return;
    var text = editor.getLine(line);
    if (ch >= text.length) ch = Math.max(0, text.length - 1);  /* at the end: the last character */
    var handle = editor.addLineClass(line, "background", "cm-error-line");
    errorMarks.push(handle);
    errorMarks.push(editor.markText({line: line, ch: ch}, {line: line, ch: ch + 1},
                                    {className: "cm-error-at", title: message}));
    editor.scrollIntoView({line: line, ch: ch});
  }

  var examples = [];
  function loadExamples() {
    return api("/examples").then(function (list) {
      examples = list;
      var sel = $("sparql-examples");
      sel.replaceChildren();
      list.forEach(function (x, i) { sel.appendChild(el("option", {value: String(i), text: (x.title_zh || x.title) + "（" + x.name + "）"})); });
      if (list.length && !queryText()) setQueryText(list[0].query);
    });
  }
  $("sparql-examples").addEventListener("change", function (ev) {
    var x = examples[Number(ev.target.value)];
    if (x) setQueryText(x.query);
  });

  function updateDownloads() {
    var q = queryText();
    ["csv", "tsv", "json"].forEach(function (f) {
      $("dl-" + f).href = "/sparql?" + new URLSearchParams({query: q, format: f}).toString();
    });
  }
  $("sparql-q").addEventListener("input", updateDownloads);

  function termText(term) {
    if (!term) return "";
    return term.type === "uri" ? shortIri(term.value) : term.value;
  }
  function termCell(term) {
    if (!term) return el("td");
    if (term.type === "uri") {
      var td = el("td", {className: "iri", text: shortIri(term.value), title: term.value});
      td.addEventListener("click", function () { loadGraph(term.value); });
      return td;
    }
    if (term.type === "bnode") return el("td", {text: "_:" + term.value});
    if (term.type === "triple") return el("td", {text: "<< " + JSON.stringify(term.value) + " >>"});
    /* a language tag or datatype is shown on hover, not in the cell */
    var cell = el("td", {text: term.value});
    if (term["xml:lang"]) cell.title = "@" + term["xml:lang"];
    else if (term.datatype) cell.title = shortIri(term.datatype);
    if (term.datatype && /#(integer|decimal|double|float|int|long)$/.test(term.datatype)) cell.className = "num";
    return cell;
  }

  /* results: sorted by a clicked column (again: the other way), PAGE_ROWS a page */
  var PAGE_ROWS = 100;
  var results = {vars: [], rows: [], sortBy: null, desc: false, page: 0};
  function compareTerms(a, b) {
    var x = termText(a), y = termText(b), nx = parseFloat(x), ny = parseFloat(y);
    if (a && b && a.datatype && b.datatype && !isNaN(nx) && !isNaN(ny)) return nx - ny;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function renderResults() {
    var table = $("sparql-table"), r = results;
    var head = el("tr", {}, r.vars.map(function (v) {
      var mark = r.sortBy === v ? (r.desc ? " ▼" : " ▲") : "";
      return el("th", {text: "?" + v + mark, title: "按 ?" + v + " 排序", "data-var": v, onclick: function () {
        r.desc = r.sortBy === v ? !r.desc : false;
        r.sortBy = v;
        r.rows.sort(function (a, b) { return (r.desc ? -1 : 1) * compareTerms(a[v], b[v]); });
        r.page = 0;
        renderResults();
      }});
    }));
    var tbody = el("tbody");
    r.rows.slice(r.page * PAGE_ROWS, (r.page + 1) * PAGE_ROWS).forEach(function (b) {
      tbody.appendChild(el("tr", {}, r.vars.map(function (v) { return termCell(b[v]); })));
    });
    table.replaceChildren(el("thead", {}, [head]), tbody);
    var pages = Math.ceil(r.rows.length / PAGE_ROWS);
    $("sparql-pager").hidden = pages <= 1;
    $("sparql-page").textContent = "第 " + (r.page + 1) + " / " + pages + " 页（每页 " + PAGE_ROWS + " 行）";
    $("sparql-prev").disabled = r.page === 0;
    $("sparql-next").disabled = r.page >= pages - 1;
  }
  $("sparql-prev").addEventListener("click", function () { results.page--; renderResults(); });
  $("sparql-next").addEventListener("click", function () { results.page++; renderResults(); });

  var running = null;  /* the AbortController of the query being run */
  function setRunning(on) {
    $("sparql-run").disabled = on;
    $("sparql-cancel").hidden = !on;
    $("sparql-spinner").hidden = !on;
  }
  $("sparql-cancel").addEventListener("click", function () { if (running) running.abort(); });

  function runSparql() {
    if (running) return;  /* one query at a time: Cancel stops it */
    var q = queryText();
    if (q.length <= 4000) setView("sparql", {query: q});  /* longer queries stay out of the URL */
    updateDownloads();
    clearErrorMarks();
    var table = $("sparql-table"), pre = $("sparql-graph"), err = $("sparql-error");
    table.replaceChildren(); pre.hidden = true; err.hidden = true; $("sparql-pager").hidden = true;
    setStatus("sparql-status", "运行中…");
    var t0 = performance.now(), controller = new AbortController();
    running = controller;
    setRunning(true);
    fetch("/sparql", {method: "POST", signal: controller.signal,
                      headers: {"Content-Type": "application/sparql-query",
                                "Accept": "application/sparql-results+json, text/turtle;q=0.9"}, body: q})
      .then(function (resp) {
        return resp.text().then(function (body) {
          var ms = Math.round(performance.now() - t0);
          if (!resp.ok) {
            var message = errorMessage(resp, body);
            setStatus("sparql-status", "出错 · HTTP " + resp.status + " · " + ms + " ms");
            err.hidden = false; err.textContent = problem(message);
            markError(message);
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
            table.appendChild(el("tr", {}, [el("td", {text: "ASK → " + (data["boolean"] ? "是 true" : "否 false")})]));
            setStatus("sparql-status", "ASK · " + ms + " ms");
            return;
          }
          results = {vars: data.head.vars, rows: data.results.bindings, sortBy: null, desc: false, page: 0};
          renderResults();
          setStatus("sparql-status", data.results.bindings.length + " 行 · " + ms + " ms" + note);
        });
      }).catch(function (e) {
        if (e.name === "AbortError") { setStatus("sparql-status", "已取消：服务器已停止这条查询"); return; }
        setStatus("sparql-status", ""); err.hidden = false; err.textContent = "请求失败：" + e.message;
      }).then(function () { running = null; setRunning(false); });
  }
  $("sparql-run").addEventListener("click", runSparql);
  $("sparql-q").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); runSparql(); }
  });

  /* ---------------------------------------------------------------- graph view (vis-network, graph.js) */
  /* The same drawing as the HTML export (kg/static/graph.js). A click on a node describes it, a
     double click (or 展开) opens its neighbours in place, 以此为中心 starts again from it. The view is
     in the URL: #graph?iri=CENTRE&open=A&open=B, so Back, Forward and reload bring it back. */
  var graph = null, neighbourhoods = {}, graphView = {iri: null, open: []}, graphSteps = 0;

  function ensureGraph() {
    if (!graph) {
      graph = GovkgGraph($("graph-canvas"), {physics: true, edgeLabels: true,
                                             onSelect: selectNode, onExpand: function (id) { expandNode(id); }});
      graph.legend($("graph-legend"));
      window.govkg.graph = graph;
    }
    return graph;
  }

  function neighbourhood(iri) {
    if (neighbourhoods[iri]) return Promise.resolve(neighbourhoods[iri]);
    return api("/neighbourhood", {iri: iri}).then(function (g) { neighbourhoods[iri] = g; return g; });
  }

  function graphItems(g, near) {
    var nodes = [g.center].concat(g.nodes).map(function (n) {
      var centre = n.iri === g.center.iri;
      return {id: n.iri, label: n.label, type: n.group || n.type, near: centre ? null : near, size: centre && !near ? 22 : null};
    });
    var edges = g.edges.map(function (e) {
      return {source: e.source, target: e.target, predicate: e.predicate, label: e.name || e.label};
    });
    return {nodes: nodes, edges: edges};
  }

  function graphUrl() {
    var p = new URLSearchParams({iri: graphView.iri});
    graphView.open.forEach(function (x) { p.append("open", x); });
    return p;
  }
  function pushGraphView() {
    var hash = "graph?" + graphUrl().toString();
    if (location.hash.slice(1) !== hash) { history.pushState(null, "", "#" + hash); graphSteps++; }
    $("graph-back").disabled = graphSteps === 0;
  }

  function omittedText(g) {
    if (!g.omitted.length) return "";
    return "（另有 " + g.omitted.map(function (o) {
      return o.count + " 个" + (GROUP_NAMES[o.group] || "") + "（" + (o.direction === "in" ? "← " : "→ ") + o.predicate + "）";
    }).join("、") + " 未显示）";
  }

  /* a fresh view centred on iri, then the nodes in `open` expanded (from the URL) */
  function loadGraph(iri, open, fromUrl) {
    graphView = {iri: iri, open: []};
    if (!fromUrl) pushGraphView();
    showTab("graph");
    setStatus("graph-status", "载入中…");
    return neighbourhood(iri).then(function (g) {
      ensureGraph().clear();
      var items = graphItems(g, null);
      graph.add(items.nodes, items.edges);  /* not selected: a selected node shows all its links' labels */
      describe(g);
      setStatus("graph-status", g.nodes.length + " 个相邻节点" + omittedText(g) + " · 双击节点展开");
      return (open || []).reduce(function (p, x) { return p.then(function () { return expandNode(x, true); }); },
                                 Promise.resolve());
    }).catch(function (e) { setStatus("graph-status", e.message, true); });
  }

  function expandNode(iri, fromUrl) {
    if (!graph || !graph.has(iri)) return Promise.resolve();
    return neighbourhood(iri).then(function (g) {
      var items = graphItems(g, iri);
      var added = graph.add(items.nodes, items.edges);
      if (graphView.open.indexOf(iri) < 0) graphView.open.push(iri);
      if (!fromUrl) pushGraphView();
      describe(g);
      setStatus("graph-status", "展开“" + g.center.label + "”：新增 " + added + " 个节点" + omittedText(g) +
                "，共 " + graph.nodes.length + " 个");
    }).catch(function (e) { setStatus("graph-status", e.message, true); });
  }

  function selectNode(iri) {
    neighbourhood(iri).then(describe).catch(function (e) { setStatus("graph-status", e.message, true); });
  }

  $("graph-back").addEventListener("click", function () { history.back(); });

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

  function describe(g) {
    var box = $("graph-info"), c = g.center;
    box.replaceChildren();
    box.appendChild(el("h3", {text: c.label}));
    box.appendChild(el("div", {className: "muted", text: (GROUP_NAMES[c.group] || c.type || "") + " · " + c.iri}));
    var actions = el("div", {className: "actions"}, [
      el("button", {type: "button", text: "展开邻居", title: "把它的邻居加入图中（也可双击节点）",
                    onclick: function () { expandNode(c.iri); }}),
      el("button", {type: "button", text: "以此为中心", onclick: function () { loadGraph(c.iri); }})]);
    if (c.type === "Passage") {
      actions.appendChild(el("button", {type: "button", text: "查看原文", onclick: function () { showPassage(c.iri); }}));
    }
    if (c.type === "Document") {
      var file = (g.properties.find(function (p) { return p.name === "gk:sourceFile"; }) || {}).value;
      if (file) actions.appendChild(el("button", {type: "button", text: "阅读全文",
                                                  onclick: function () { openDocument(file); }}));
    }
    box.appendChild(actions);
    var dl = el("dl");
    g.properties.forEach(function (p) {
      dl.append(el("dt", {text: p.name}), el("dd", {text: truncate(p.value, 400), title: p.lang ? "@" + p.lang : ""}));
    });
    box.appendChild(dl);
    var counts = {};
    g.edges.forEach(function (e) {
      var k = (e.source === c.iri ? "→ " : "← ") + (e.name || e.label);
      counts[k] = (counts[k] || 0) + 1;
    });
    var ul = el("ul");
    Object.keys(counts).sort().forEach(function (k) { ul.appendChild(el("li", {text: k + " × " + counts[k]})); });
    box.append(el("div", {className: "muted", text: "关系"}), ul);
  }

  /* ---------------------------------------------------------------- documents */
  /* The list of documents by title, and one document to read: its normalized text in sections
     (each headed by its role: 上年工作回顾, 主要预期目标 …, with the year and status it reports on),
     a cited passage highlighted and its quote marked. #document?file=…&ps=&pe=&qs=&qe= */
  function renderDocumentList() {
    var list = $("document-list");
    list.replaceChildren.apply(list, Object.keys(DOCS).sort().map(function (file) {
      var d = DOCS[file];
      return el("li", {}, [el("button", {type: "button", className: "linkish", text: d.title || file,
                                         onclick: function () { openDocument(file); }}),
                           el("span", {className: "muted", text: " " + [d.kind_name, d.place, d.date ||
                                       (d.report_year ? d.report_year + "年" : null), d.passages + " 个段落", file]
                                       .filter(Boolean).join(" · ")})]);
    }));
    setStatus("document-status", Object.keys(DOCS).length + " 份文件");
  }

  function showDocumentList() {
    $("document-view").hidden = true;
    $("document-list").hidden = false;
    renderDocumentList();
  }

  var STATUS_NAMES = {Actual: "实际", Target: "目标"};
  function openDocument(file, mark, fromUrl) {
    mark = mark || {};
    if (!fromUrl) {
      var p = {file: file};
      ["ps", "pe", "qs", "qe"].forEach(function (k) { if (mark[k] != null) p[k] = mark[k]; });
      setView("document", p);
    }
    showTab("document");
    setStatus("document-status", "载入中…");
    return api("/document", {file: file}).then(function (d) {
      setStatus("document-status", "");
      $("document-list").hidden = true;
      $("document-view").hidden = false;
      $("document-title").textContent = d.title || d.file;
      var FORMATS = {"application/pdf": "PDF", "text/html": "网页"};
      var cited = d.passages.filter(function (p) { return mark.ps != null && p.start <= Number(mark.ps) &&
                                                          Number(mark.ps) < p.end && p.page; })[0];
      $("document-meta").textContent = [d.kind_name, d.place, d.date || (d.report_year ? d.report_year + "年" : null),
                                        d.passages.length + " 个段落", d.sections.length + " 节", d.file,
                                        FORMATS[d.format] || (d.format && d.format.indexOf("word") >= 0 ? "Word" : null),
                                        cited ? "引文在第" + cited.page + "页" : null]
                                       .filter(Boolean).join(" · ");
      var nav = $("document-sections"), box = $("document-text");
      nav.replaceChildren(el("button", {type: "button", className: "linkish", text: "← 全部文件",
                                        onclick: function () { setView("document", {}); showDocumentList(); }}));
      box.replaceChildren();
      var ps = Number(mark.ps), pe = Number(mark.pe), qs = Number(mark.qs), qe = Number(mark.qe);
      var hasP = mark.ps != null && pe > ps, hasQ = mark.qs != null && qe > qs;
      var target = null;
      d.sections.forEach(function (s, i) {
        var name = (s.role_name || "正文") + (s.year ? " · " + s.year + "年" : "") +
                   (s.status ? " · " + (STATUS_NAMES[s.status] || s.status) : "");
        var block = el("section", {className: "doc-section", id: "doc-section-" + i});
        block.appendChild(el("h4", {text: name}));
        /* the section's text, cut where the passage and the quote begin and end */
        var cuts = [s.start, s.end];
        [ps, pe, qs, qe].forEach(function (x) { if (x > s.start && x < s.end) cuts.push(x); });
        cuts = Array.from(new Set(cuts)).sort(function (a, b) { return a - b; });
        var para = el("div", {className: "doc-body"});
        for (var k = 0; k + 1 < cuts.length; k++) {
          var a = cuts[k], b = cuts[k + 1], piece = d.text.slice(a, b);
          var inP = hasP && a >= ps && b <= pe, inQ = hasQ && a >= qs && b <= qe;
          if (inQ) { var m = el("mark", {className: "quote", text: piece}); para.appendChild(m); target = target || m; }
          else if (inP) { var sp = el("span", {className: "cited", text: piece}); para.appendChild(sp); target = target || sp; }
          else para.appendChild(document.createTextNode(piece));
        }
        block.appendChild(para);
        box.appendChild(block);
        var heading = s.heading ? truncate(s.heading, 22) : "";
        nav.appendChild(el("button", {type: "button", className: "linkish", text: name + (heading ? "：" + heading : ""),
                                      title: s.heading || name,
                                      onclick: function () { block.scrollIntoView({block: "start"}); }}));
      });
      if (target) target.scrollIntoView({block: "center"});
    }).catch(function (e) { setStatus("document-status", e.message, true); });
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
    setupEditor();
    api("/documents").then(function (docs) {
      docs.forEach(function (d) {
        DOCS[d.file] = d;
        $("search-doc").appendChild(el("option", {value: d.file, text: truncate(d.title || d.file, 30)}));
      });
    }).catch(function () { /* file names are shown instead */ }).then(restoreView);
    api("/health").then(function (h) {
      $("build-info").textContent = "build " + h.build + " · SPARQL 超时 " + h.sparql.timeout + " s · 上限 " + h.sparql.max_rows + " 行";
    }).catch(function () { /* the page still works */ });
    loadExamples().then(updateDownloads).catch(function (e) {
      $("sparql-error").hidden = false; $("sparql-error").textContent = e.message;
    }).then(function () { document.body.setAttribute("data-ready", "1"); });
  }
  window.govkg = {showPassage: showPassage, loadGraph: loadGraph, expandNode: expandNode, runSparql: runSparql,
                  runIndicator: runIndicator, openDocument: openDocument, graph: null,
                  editor: function () { return editor; }};
  init();
})();
