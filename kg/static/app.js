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

  /* the API's message in Chinese (message_zh: the page asks for it with Accept-Language), else its English */
  function errorMessage(resp, body) {
    try { var j = JSON.parse(body); if (j && (j.message_zh || j.error)) return j.message_zh || j.error; } catch (e) { /* plain text */ }
    return (body || resp.statusText || ("HTTP " + resp.status)).trim();
  }

  function api(path, params) {
    var url = path + (params ? "?" + new URLSearchParams(params).toString() : "");
    return fetch(url, {headers: {"Accept": "application/json", "Accept-Language": "zh-CN"}}).then(function (resp) {
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
    var parts = [d.display_title ? "《" + d.display_title + "》" : d.title ? "《" + d.title + "》" : file];
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
      searchFilters = {kind: p.get("kind") || "", year: p.get("year") || ""};
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
      viewerShown(true);
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
        $("viewer").scrollTop = 0;
        mark.scrollIntoView({block: "nearest"});
      } else {
        box.append(text);
      }
      viewerInView();
    }).catch(function (e) {
      viewerShown(true);
      $("viewer-title").textContent = "原文";
      $("viewer-meta").textContent = "";
      $("viewer-text").replaceChildren(el("div", {className: "error", text: e.message}));
    });
  }
  /* The viewer opened or closed: the chart beside it takes the width that is left (a ResizeObserver on
     the chart relayouts it); where the viewer sits below the work area it is brought into view (on a
     phone it is a sheet over the bottom of the screen, app.css) */
  function viewerShown(open) {
    $("viewer").hidden = !open;
    if (typeof relayoutIndicatorChart === "function") relayoutIndicatorChart();
  }
  function viewerInView() {
    var box = $("viewer"), r = box.getBoundingClientRect();
    if (getComputedStyle(box).position === "fixed") return;  /* a phone's sheet is on screen already */
    if (r.top >= window.innerHeight || r.bottom <= 0) box.scrollIntoView({block: "start"});
  }
  $("viewer-close").addEventListener("click", function () { viewerShown(false); });
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

  /* the answer's lines (a list: one item a line) each in its own block, as text (never HTML) */
  function renderAnswerLines(box, text) {
    box.replaceChildren.apply(box, String(text || "").split("\n").filter(function (line) { return line.trim(); })
      .map(function (line) { return el("div", {className: "answer-line", text: line}); }));
  }

  /* the line the first citation belongs to: a list's first item (1. …), else the answer's last line */
  function answerLineOfFirstSource(box) {
    var lines = Array.prototype.slice.call(box.querySelectorAll(".answer-line"));
    return lines.filter(function (line) { return /^1[.．]/.test(line.textContent); })[0] || lines[lines.length - 1] || box;
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
    renderAnswerLines(answer, r.answer);
    /* the answer's own source: the first fact, else the first passage when the answer is taken from it */
    var first = -1;
    if (r.facts.length) first = 0;
    else if (r.passages.length && r.passages[0].text.indexOf(r.answer) >= 0) first = 0;
    if (first === 0) answerLineOfFirstSource(answer).appendChild(citeButton(1, openers[0]));
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
  /* the hit's text with the query's words marked as the search matched them: the server's spans of
     whole query terms (and indicator synonyms), inserted as text nodes and <mark>s */
  function highlighted(text, spans) {
    var box = el("div", {className: "text"}), at = 0;
    (spans || []).forEach(function (sp) {
      if (sp[0] < at) return;
      box.append(text.slice(at, sp[0]), el("mark", {text: text.slice(sp[0], sp[1])}));
      at = sp[1];
    });
    box.append(text.slice(at));
    return box;
  }

  /* section role, year and actual/target of a hit (from the search index's passage metadata) */
  function hitMeta(h) {
    return [h.section || h.role, h.year ? h.year + "年" : null,
            h.status ? STATUS[h.status] || h.status : null].filter(Boolean).join(" · ");
  }

  /* facets: counts by place, kind and year of the query's candidates; a click filters by it */
  var searchFilters = {kind: "", year: ""};
  var FACET_NAMES = {place: "地区", kind: "类型", year: "年份"};
  function renderFacets(f) {
    var box = $("search-facets");
    box.replaceChildren();
    box.hidden = !f || !f.total;
    if (box.hidden) return;
    ["place", "kind", "year"].forEach(function (name) {
      if (!f[name].length) return;
      var current = name === "place" ? $("search-place").value.trim() : searchFilters[name];
      var row = el("div", {className: "facet", "data-facet": name}, [el("span", {text: FACET_NAMES[name]})]);
      f[name].forEach(function (x) {
        var on = String(x.value) === String(current);
        row.appendChild(el("button", {type: "button", className: on ? "on" : "", "data-value": String(x.value),
          title: on ? "取消这个筛选" : "只看" + x.name, text: x.name + " " + x.count, onclick: function () {
            var v = on ? "" : String(x.value);
            if (name === "place") $("search-place").value = v; else searchFilters[name] = v;
            runSearch();
          }}));
      });
      box.appendChild(row);
    });
  }

  $("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    searchFilters = {kind: "", year: ""};  /* a new search starts without the facet filters (the place field stays) */
    runSearch();
  });
  function runSearch() {
    var q = $("search-q").value.trim();
    if (!q) return;
    var params = {q: q, k: $("search-k").value};
    if ($("search-place").value.trim()) params.place = $("search-place").value.trim();
    if ($("search-doc").value) params.doc = $("search-doc").value;
    if (searchFilters.kind) params.kind = searchFilters.kind;
    if (searchFilters.year) params.year = searchFilters.year;
    setView("search", params);
    setStatus("search-status", "检索中…");
    var list = $("search-results");
    api("/search", Object.assign({facets: true}, params)).then(function (r) {
      var hits = r.hits;
      setStatus("search-status", hits.length ? hits.length + " 个段落" :
                "没有与“" + q + "”匹配良好的段落：换个说法，或用指标、地名、项目名检索");
      renderFacets(r.facets);
      list.replaceChildren();
      hits.forEach(function (h, i) {
        list.appendChild(el("li", {}, [
          el("div", {className: "head"}, [
            el("b", {text: "#" + (i + 1)}), el("span", {text: docLabel(h.doc), title: h.doc + " · " + h.start + "–" + h.end}),
            el("span", {className: "hit-meta", text: hitMeta(h)}),
            el("span", {text: "score " + Number(h.score).toFixed(3)}),
            el("button", {type: "button", className: "link", text: "查看原文",
                          onclick: function () { showPassage(h.passage); }})
          ]),
          highlighted(h.text, h.highlights)
        ]));
      });
    }).catch(function (e) { list.replaceChildren(); $("search-facets").hidden = true; setStatus("search-status", e.message, true); });
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

  /* a SPARQL error in Chinese, the server's own message kept below it for reference */
  function sparqlErrorZh(message) {
    var m = /error at (\d+):(\d+)/.exec(message);
    if (m) {
      var what = /Prefix not found/.test(message) ? "前缀未声明（可用前缀见上方提示）" :
                 /expected one of/.test(message) ? "此处缺少或多出了关键字、括号或标点" : "此处无法解析";
      return "查询语法错误：第" + m[1] + "行第" + m[2] + "列附近" + what + "（已在编辑器中标出）";
    }
    var t = /limit of (\S+) s/.exec(message);
    if (/^query stopped/.test(message) && t) return "查询已停止：运行时间超过服务器上限 " + t[1] + " 秒，请缩小查询范围或加 LIMIT";
    if (/stayed busy/.test(message)) return "服务器忙：所有查询进程都在运行，请稍后再试";
    if (/SPARQL updates are refused/.test(message)) return "不接受 SPARQL 更新：此端点只读（知识图谱只能通过 kg build 更新）";
    if (/^empty SPARQL query/.test(message)) return "查询为空：请输入 SPARQL 查询";
    if (/^malformed SPARQL query/.test(message)) return "查询语法错误";
    if (/^search SERVICE/.test(message)) return "检索 SERVICE 写法有误";
    return null;
  }
  function showSparqlError(box, message) {
    var zh = sparqlErrorZh(message);
    box.replaceChildren(el("div", {className: "error-zh", text: zh || problem(message)}));
    if (zh) box.appendChild(el("div", {className: "error-original muted", text: "原始信息：" + message}));
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
      $("dl-" + f).setAttribute("download", downloadName(f));
    });
  }
  $("sparql-q").addEventListener("input", updateDownloads);

  /* a download's file name: the example's title when the query is an example's, else 查询结果-YYYYMMDD-HHMM */
  function downloadName(ext) {
    var q = queryText().trim(), x = examples.filter(function (e) { return e.query.trim() === q; })[0];
    var name = x ? (x.title_zh || x.title || x.name) : null;
    if (!name) {
      var d = new Date(), two = function (n) { return (n < 10 ? "0" : "") + n; };
      name = "查询结果-" + d.getFullYear() + two(d.getMonth() + 1) + two(d.getDate()) + "-" + two(d.getHours()) + two(d.getMinutes());
    }
    return name.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 80) + "." + ext;
  }

  /* the CSV, TSV or JSON of the rows on screen, in the order shown (a sorted column sorts the file
     too), written as the server writes them (SPARQL 1.1 CSV: values only, CRLF; TSV: terms in
     Turtle form, numbers bare; JSON results); null when no result of the query in the editor is
     shown, and the link then fetches the server's file */
  function csvValue(term) {
    if (!term) return "";
    if (term.type === "triple") return [term.value.subject, term.value.predicate, term.value.object].map(csvValue).join(" ");
    return term.type === "bnode" ? "_:" + term.value : String(term.value);
  }
  function csvField(term) {
    var v = csvValue(term);
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var TSV_BARE = {integer: /^[+-]?\d+$/, decimal: /^[+-]?\d*\.\d+$/, "double": /^[+-]?(\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+$/,
                  "boolean": /^(true|false)$/};
  var TSV_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"};
  function tsvTerm(term) {
    if (!term) return "";
    if (term.type === "triple") return "<< " + [term.value.subject, term.value.predicate, term.value.object].map(tsvTerm).join(" ") + " >>";
    if (term.type === "uri") return "<" + term.value + ">";
    if (term.type === "bnode") return "_:" + term.value;
    var dt = term.datatype || "", bare = dt.indexOf(XSD) === 0 && TSV_BARE[dt.slice(XSD.length)];
    if (!term["xml:lang"] && bare && bare.test(term.value)) return term.value;
    var quoted = '"' + String(term.value).replace(/[\u0000-\u001f\u007f"\\]/g, function (c) {
      return TSV_ESCAPES[c] || "\\u" + ("000" + c.charCodeAt(0).toString(16).toUpperCase()).slice(-4);
    }) + '"';
    return quoted + (term["xml:lang"] ? "@" + term["xml:lang"] : dt && dt !== XSD + "string" ? "^^<" + dt + ">" : "");
  }
  var SHOWN_FORMATS = {
    csv: {type: "text/csv", text: function (r) {
      var lines = [r.vars.map(function (v) { return csvField({type: "literal", value: v}); }).join(",")];
      r.rows.forEach(function (b) { lines.push(r.vars.map(function (v) { return csvField(b[v]); }).join(",")); });
      return lines.join("\r\n") + "\r\n";
    }},
    tsv: {type: "text/tab-separated-values", text: function (r) {
      var lines = [r.vars.map(function (v) { return "?" + v; }).join("\t")];
      r.rows.forEach(function (b) { lines.push(r.vars.map(function (v) { return tsvTerm(b[v]); }).join("\t")); });
      return lines.join("\n") + "\n";
    }},
    json: {type: "application/sparql-results+json", text: function (r) {
      return JSON.stringify({head: {vars: r.vars}, results: {bindings: r.rows}});
    }}
  };
  function shownResultsText(fmt) {
    if (!results.query || results.query !== queryText() || !results.vars.length) return null;
    return SHOWN_FORMATS[fmt].text(results);
  }
  function downloadShown(fmt, ev) {
    var text = shownResultsText(fmt);
    if (text === null) return;  /* the server's file, under the name set above */
    ev.preventDefault();
    var link = el("a", {href: URL.createObjectURL(new Blob([text], {type: SHOWN_FORMATS[fmt].type + ";charset=utf-8"})),
                        download: downloadName(fmt)});
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }
  Object.keys(SHOWN_FORMATS).forEach(function (fmt) {
    $("dl-" + fmt).addEventListener("click", function (ev) { downloadShown(fmt, ev); });
  });

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
      tbody.appendChild(el("tr", {className: b === r.selected ? "selected" : ""}, r.vars.map(function (v) { return termCell(b[v]); })));
    });
    table.replaceChildren(el("thead", {}, [head]), tbody);
    var pages = Math.ceil(r.rows.length / PAGE_ROWS);
    $("sparql-pager").hidden = pages <= 1;
    $("sparql-page").textContent = "第 " + (r.page + 1) + " / " + pages + " 页（每页 " + PAGE_ROWS + " 行）";
    $("sparql-prev").disabled = r.page === 0;
    $("sparql-next").disabled = r.page >= pages - 1;
    drawSparqlChart();  /* the chart, when shown, follows the order on screen */
  }
  $("sparql-prev").addEventListener("click", function () { results.page--; renderResults(); });
  $("sparql-next").addEventListener("click", function () { results.page++; renderResults(); });

  /* ---- the chart of a SPARQL result (图表): one bar a row, in the order on screen, for a result
     with a name column (text or IRI) and a numeric one (an xsd number, or text that reads as a
     number); the value column is chosen when there are several; on a phone the bars lie down,
     one name a row. A bar's click selects its row in the table. */
  var sparqlChart = null, sparqlChartOn = false, sparqlChartNarrow = null, SPARQL_CHART_BARS = 200;
  var NUMERIC_TYPE = /#(integer|decimal|double|float|int|long|short|byte|(non)?(Negative|Positive)Integer|negativeInteger|positiveInteger|unsigned(Int|Long|Short|Byte))$/;
  var NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
  function termNumber(term) {  /* the number a term stands for, else null (undefined: unbound) */
    if (!term) return undefined;
    if (term.type !== "literal" || term["xml:lang"]) return null;
    var dt = term.datatype || XSD + "string";
    if (!(NUMERIC_TYPE.test(dt) || dt === XSD + "string") || !NUMBER_TEXT.test(term.value)) return null;
    return parseFloat(term.value);
  }
  function sparqlChartColumns(r) {
    var numeric = r.vars.filter(function (v) {
      var bound = 0;
      return r.rows.every(function (b) { var n = termNumber(b[v]); if (n !== undefined) bound++; return n !== null; }) && bound > 0;
    });
    var label = r.vars.filter(function (v) { return numeric.indexOf(v) < 0; })[0] || (numeric.length > 1 ? numeric[0] : null);
    var values = numeric.filter(function (v) { return v !== label; });
    return label && values.length && r.rows.length ? {label: label, values: values} : null;
  }
  function sparqlChartNarrowNow() { return $("sparql-chart").clientWidth < 600; }
  function sparqlChartOption(r, label, value, narrow) {
    var rows = r.rows.slice(0, SPARQL_CHART_BARS), names = rows.map(function (b) { return termText(b[label]); });
    var data = rows.map(function (b, i) {
      var n = termNumber(b[value]);
      return {value: n == null ? null : n, row: i, itemStyle: b === r.selected ? {color: "#d9822b"} : undefined};
    });
    var cut = function (n) { return function (s) { s = s.replace(/\s+/g, " "); return s.length > n ? s.slice(0, n - 1) + "…" : s; }; };
    var category = {type: "category", data: names, axisLabel: narrow ? {interval: 0, fontSize: 11, formatter: cut(8)} :
                    {interval: names.length > 40 ? "auto" : 0, rotate: names.length > 8 ? 40 : 0, formatter: cut(14)},
                    axisLine: {onZero: false}};  /* names at the edge, not across negative bars */
    var axis = {type: "value", name: "?" + value};
    if (narrow) { category.inverse = true; axis.nameLocation = "middle"; axis.nameGap = 24; }
    var title = "?" + value + "（按 ?" + label + "）" + (r.rows.length > rows.length ? "：只画出前 " + rows.length + " 行，共 " + r.rows.length + " 行" : "");
    return {title: {text: title, left: "center", textStyle: {fontSize: 14, width: narrow ? 340 : 900, overflow: "truncate"}},
            tooltip: {trigger: "item", renderMode: "richText", formatter: function (p) { return names[p.dataIndex] + "：" + (p.value == null ? "（无）" : p.value); }},
            grid: narrow ? {left: 8, right: 44, top: 40, bottom: 34, containLabel: true} : {left: 60, right: 20, top: 40, bottom: names.length > 8 ? 100 : 40},
            xAxis: narrow ? axis : category, yAxis: narrow ? category : axis, animation: false,
            series: [{type: "bar", name: value, itemStyle: {color: "#2f7ebc"}, data: data}]};
  }
  function drawSparqlChart() {
    var on = sparqlChartOn && !$("sparql-chart-toggle").hidden, area = $("sparql-chart-area");
    area.hidden = !on;
    if (!on) return;
    var cols = sparqlChartColumns(results), choose = $("sparql-chart-value");
    $("sparql-chart-note").hidden = !!cols;
    $("sparql-chart-choose").hidden = $("sparql-chart").hidden = !cols;
    if (!cols) {
      $("sparql-chart-note").textContent = "这个结果没有可画成图表的数值列：图表需要一列名称（文字或 IRI）和至少一列数值" +
        "（xsd 数值类型，或能读成数字的文字），每行一个条形。";
      return;
    }
    var keep = cols.values.indexOf(choose.value) >= 0 ? choose.value : cols.values[0];
    choose.replaceChildren.apply(choose, cols.values.map(function (v) { return el("option", {value: v, text: "?" + v}); }));
    choose.value = keep;
    var narrow = sparqlChartNarrow = sparqlChartNarrowNow(), n = Math.min(results.rows.length, SPARQL_CHART_BARS);
    $("sparql-chart").style.height = narrow ? Math.max(320, 26 * n + 80) + "px" : "";
    if (!sparqlChart) {
      sparqlChart = echarts.init($("sparql-chart"), null, {renderer: "canvas"});
      sparqlChart.on("click", function (p) { selectSparqlRow(p.dataIndex); });
    }
    sparqlChart.dispatchAction({type: "hideTip"});  /* no tooltip left over from the last drawing */
    sparqlChart.resize();
    sparqlChart.setOption(sparqlChartOption(results, cols.label, keep, narrow), true);
    window.govkg.sparqlChart = sparqlChart;
  }
  function selectSparqlRow(i) {  /* a bar's row: selected, on its page, scrolled into view */
    results.selected = results.rows[i];
    results.page = Math.floor(i / PAGE_ROWS);
    renderResults();
    var tr = document.querySelector("#sparql-table tbody tr.selected");
    if (tr) tr.scrollIntoView({block: "nearest"});
  }
  $("sparql-chart-toggle").addEventListener("click", function () {
    sparqlChartOn = !sparqlChartOn;
    $("sparql-chart-toggle").setAttribute("aria-pressed", String(sparqlChartOn));
    drawSparqlChart();
  });
  $("sparql-chart-value").addEventListener("change", drawSparqlChart);
  if (window.ResizeObserver) new ResizeObserver(function () {
    requestAnimationFrame(function () {
      if (!sparqlChart || $("sparql-chart-area").hidden || $("sparql-chart").hidden) return;
      if (sparqlChartNarrow !== sparqlChartNarrowNow()) drawSparqlChart(); else sparqlChart.resize();
    });
  }).observe($("sparql-chart"));

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
    $("sparql-chart-toggle").hidden = true; drawSparqlChart();  /* a chart only of a table of rows */
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
            err.hidden = false; showSparqlError(err, message);
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
          results = {vars: data.head.vars, rows: data.results.bindings, sortBy: null, desc: false, page: 0, query: q};
          $("sparql-chart-toggle").hidden = false;
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
      graph = GovkgGraph($("graph-canvas"), {physics: true, edgeLabels: true, onHidden: graphNotice,
                                             onSelect: selectNode, onExpand: function (id) { expandNode(id); }});
      graph.legend($("graph-legend"));
      window.govkg.graph = graph;
    }
    return graph;
  }

  /* neighbours per relation at a time (a page): 12, or window.govkg.graphPage */
  function graphPage() { return (window.govkg && window.govkg.graphPage) || 12; }
  function neighbourhood(iri) {
    var key = iri + "\n" + graphPage();
    if (neighbourhoods[key]) return Promise.resolve(neighbourhoods[key]);
    return api("/neighbourhood", {iri: iri, per_predicate: graphPage()}).then(function (g) {
      neighbourhoods[key] = g;
      return g;
    });
  }

  function graphItems(g, near) {
    var nodes = [g.center].concat(g.nodes).map(function (n) {
      var centre = n.iri === g.center.iri;
      return {id: n.iri, label: n.label, type: n.group || n.type, near: centre ? null : near, size: centre && !near ? 22 : null,
              excerpt: n.excerpt};
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
    var big = (g.relations || []).filter(function (r) { return r.total > graphPage(); });
    return "（每种关系先显示 " + graphPage() + " 个，按被提及次数排序：" + big.map(function (r) {
      return relationName(r) + " " + graphPage() + " / " + r.total;
    }).join("、") + "；在“关系”中翻页或列出）";
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
      graph.nodes.update({id: g.center.iri, hidden: false});  /* the centre shows even when its kind is hidden */
      shownPages = {};
      markShown(g);
      describe(g);
      $("graph-list").hidden = true;
      setStatus("graph-status", g.nodes.length + " 个相邻节点" + omittedText(g) + " · 双击节点展开");
      graphNotice();
      return (open || []).reduce(function (p, x) { return p.then(function () { return expandNode(x, true); }); },
                                 Promise.resolve());
    }).catch(function (e) { setStatus("graph-status", e.message, true); });
  }

  function expandNode(iri, fromUrl) {
    if (!graph || !graph.has(iri)) return Promise.resolve();
    return neighbourhood(iri).then(function (g) {
      var items = graphItems(g, iri);
      var added = graph.add(items.nodes, items.edges);
      markShown(g);
      graphNotice();
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

  /* ---- the graph by relation: each relation of a node with its count (shown / total), a page of it
     at a time (most mentioned neighbours first) into the graph, or as a list under the graph */
  var shownPages = {};  /* node + "\n" + relation key -> how many of that relation the graph shows */
  function relationName(r) {
    return (r.direction === "in" ? "← " : "→ ") + r.name + " · " + (GROUP_NAMES[r.group] || r.group);
  }
  function markShown(g) {
    (g.relations || []).forEach(function (r) {
      var k = g.center.iri + "\n" + r.key;
      shownPages[k] = Math.max(shownPages[k] || 0, Math.min(r.total, graphPage()));
    });
  }
  function relationPage(iri, key, offset) {
    return api("/neighbourhood", {iri: iri, relation: key, offset: offset, per_predicate: graphPage()});
  }
  /* the page of relation `r` of node `iri` from offset into the graph, beside the node */
  function addRelationPage(iri, r, offset) {
    if (!graph || !graph.has(iri)) return Promise.resolve();
    return relationPage(iri, r.key, offset).then(function (g) {
      var items = graphItems(g, iri), added = graph.add(items.nodes, items.edges), k = iri + "\n" + r.key;
      shownPages[k] = Math.max(shownPages[k] || 0, g.page.offset + g.nodes.length);
      setStatus("graph-status", "“" + g.center.label + "” " + relationName(r) + "：第 " + (g.page.offset + 1) + "–" +
                (g.page.offset + g.nodes.length) + " 个，共 " + g.page.total + "，新增 " + added + " 个节点");
      graphNotice();
      return neighbourhood(iri).then(describe);
    }).catch(function (e) { setStatus("graph-status", e.message, true); });
  }
  function relationList(g) {
    var ul = el("ul", {className: "relations"});
    (g.relations || []).forEach(function (r) {
      var shown = shownPages[g.center.iri + "\n" + r.key] || 0;
      var li = el("li", {"data-relation": r.key}, [
        el("span", {className: "rel-name", text: relationName(r), title: r.predicate}),
        el("span", {className: "rel-count", text: shown + " / " + r.total})]);
      if (shown < r.total) {
        li.appendChild(el("button", {type: "button", className: "rel-more", title: "把下一页邻居加入图中",
                                     text: shown ? "下一页" : "展开", onclick: function () { addRelationPage(g.center.iri, r, shown); }}));
      }
      li.appendChild(el("button", {type: "button", className: "rel-list", text: "列表", title: "在图下方列出",
                                   onclick: function () { showRelationList(g.center, r, 0); }}));
      ul.appendChild(li);
    });
    return ul;
  }
  /* a node's neighbours by one relation as a table, a page at a time */
  function showRelationList(center, r, offset) {
    return relationPage(center.iri, r.key, offset).then(function (g) {
      var box = $("graph-list"), table = $("graph-list-table"), p = g.page, end = p.offset + g.nodes.length;
      var order = {};
      g.edges.forEach(function (e, i) { order[e.source === center.iri ? e.target : e.source] = i; });
      var nodes = g.nodes.slice().sort(function (a, b) { return order[a.iri] - order[b.iri]; });
      box.hidden = false;
      $("graph-list-title").textContent = center.label + " " + relationName(r) + "：第 " + (end ? p.offset + 1 : 0) +
        "–" + end + " 个，共 " + p.total;
      table.replaceChildren(el("tr", {}, [el("th", {text: "名称"}), el("th", {text: "类型"}), el("th", {text: "被提及（段落数）"})]));
      nodes.forEach(function (n) {
        var tr = el("tr", {title: n.iri, onclick: function () {
          if (!graph.has(n.iri)) { var it = graphItems({center: center, nodes: [n], edges: g.edges.filter(function (e) {
            return e.source === n.iri || e.target === n.iri; })}, center.iri); graph.add(it.nodes.slice(1), it.edges); }
          graph.select(n.iri);
          selectNode(n.iri);
        }}, [el("td", {text: n.label + (n.excerpt ? " — " + n.excerpt : "")}),
             el("td", {text: GROUP_NAMES[n.group] || n.type}), el("td", {className: "num", text: String(n.mentions || 0)})]);
        table.appendChild(tr);
      });
      $("graph-list-page").textContent = "第 " + (Math.floor(p.offset / p.limit) + 1) + " / " + Math.max(1, Math.ceil(p.total / p.limit)) + " 页";
      $("graph-list-prev").disabled = p.offset === 0;
      $("graph-list-next").disabled = end >= p.total;
      $("graph-list-prev").onclick = function () { showRelationList(center, r, Math.max(0, p.offset - p.limit)); };
      $("graph-list-next").onclick = function () { showRelationList(center, r, p.offset + p.limit); };
    }).catch(function (e) { setStatus("graph-status", e.message, true); });
  }
  /* nothing to see (no neighbour, or only neighbours of hidden kinds): a notice on the drawing */
  function graphNotice() {
    var box = $("graph-empty");
    if (!graph || !graph.nodes.length) { box.hidden = true; return; }
    var visible = graph.nodes.get({filter: function (n) { return !n.hidden; }}).length, hiddenKinds = {};
    graph.nodes.get({filter: function (n) { return n.hidden; }}).forEach(function (n) {
      var t = (graph.info[n.id] || {}).type;
      hiddenKinds[GROUP_NAMES[t] || t] = true;
    });
    var kinds = Object.keys(hiddenKinds);
    box.hidden = visible > 1;
    box.textContent = graph.nodes.length <= 1 ? "没有可显示的关联：这个实体没有相邻节点。" :
      "没有可显示的关联：它的相邻节点都属于已隐藏的类型（" + kinds.join("、") + "），单击左上角图例中的类型即可显示。";
  }

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
    box.append(el("div", {className: "muted", text: "关系（已显示 / 共有；邻居按被提及次数排序）"}), relationList(g));
  }

  /* ---------------------------------------------------------------- documents */
  /* The list of documents by title, and one document to read: its normalized text in sections
     (each headed by its role: 上年工作回顾, 主要预期目标 …, with the year and status it reports on),
     a cited passage highlighted and its quote marked. #document?file=…&ps=&pe=&qs=&qe= */
  /* the list sorted (by place then year unless chosen otherwise) and filtered by the words in the box */
  function documentYear(d) { return d.date ? Number(d.date.slice(0, 4)) : (d.report_year || 0); }
  function zhCompare(x, y) {
    if (!x || !y) return x ? -1 : y ? 1 : 0;  /* missing last */
    return String(x).localeCompare(String(y), "zh-CN");
  }
  var DOCUMENT_SORTS = {
    place: function (a, b) { return zhCompare(a.place, b.place) || documentYear(a) - documentYear(b) || zhCompare(a.title, b.title); },
    kind: function (a, b) { return zhCompare(a.kind_name, b.kind_name) || DOCUMENT_SORTS.place(a, b); },
    year: function (a, b) { return documentYear(b) - documentYear(a) || DOCUMENT_SORTS.place(a, b); },
    title: function (a, b) { return zhCompare(a.display_title || a.title || a.file, b.display_title || b.title || b.file); },
    file: function (a, b) { return a.file < b.file ? -1 : a.file > b.file ? 1 : 0; }
  };
  function documentsShown() {
    var words = $("document-filter").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var order = DOCUMENT_SORTS[$("document-sort").value] || DOCUMENT_SORTS.place;
    return Object.keys(DOCS).map(function (f) { return DOCS[f]; }).filter(function (d) {
      var hay = [d.display_title, d.title, d.kind_name, d.place, d.date, d.report_year ? d.report_year + "年" : "",
                 d.file].join(" ").toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    }).sort(order).map(function (d) { return d.file; });
  }
  $("document-list-bar").addEventListener("submit", function (ev) { ev.preventDefault(); });
  $("document-filter").addEventListener("input", function () { renderDocumentList(); });
  $("document-sort").addEventListener("change", function () { renderDocumentList(); });

  function renderDocumentList() {
    var list = $("document-list"), shown = documentsShown(), total = Object.keys(DOCS).length;
    list.replaceChildren.apply(list, shown.map(function (file) {
      var d = DOCS[file];
      return el("li", {}, [el("button", {type: "button", className: "linkish", text: d.display_title || d.title || file,
                                         title: file, onclick: function () { openDocument(file); }}),
                           el("span", {className: "muted", title: file, text: " " + [d.kind_name, d.place, d.date ||
                                       (d.report_year ? d.report_year + "年" : null), d.passages + " 个段落"]
                                       .filter(Boolean).join(" · ")})]);
    }));
    setStatus("document-status", shown.length === total ? total + " 份文件" :
              "显示 " + shown.length + " / " + total + " 份文件" + (shown.length ? "" : "：没有符合筛选的文件"));
  }

  function showDocumentList() {
    $("document-view").hidden = true;
    $("document-list").hidden = false;
    $("document-list-bar").hidden = false;
    renderDocumentList();
  }

  var STATUS_NAMES = {Actual: "实际", Target: "目标"};
  /* a document opens at its top, or at the cited passage when one is cited (never where the list was scrolled to) */
  function documentScrolled(target) {
    $("document-sections").scrollTop = 0;
    if (target) { target.scrollIntoView({block: "center"}); return; }
    var top = $("document-view").getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, Math.max(0, top - 8));
  }
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
      $("document-list-bar").hidden = true;
      $("document-view").hidden = false;
      $("document-title").textContent = d.display_title || d.title || d.file;
      $("document-title").title = d.file;
      $("document-meta").title = d.file;
      var FORMATS = {"application/pdf": "PDF", "text/html": "网页"};
      var cited = d.passages.filter(function (p) { return mark.ps != null && p.start <= Number(mark.ps) &&
                                                          Number(mark.ps) < p.end && p.page; })[0];
      $("document-meta").textContent = [d.kind_name, d.place, d.date || (d.report_year ? d.report_year + "年" : null),
                                        d.passages.length + " 个段落", d.sections.length + " 节",
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
      documentScrolled(target);
      findInDocument(false);  /* the words in the find box, marked in this document too */
    }).catch(function (e) { setStatus("document-status", e.message, true); });
  }

  /* find in the document: every match of the box's text marked (<mark class="find">), the current
     one highlighted and scrolled to; Enter or 下一处 steps forward, 上一处 (Shift+Enter) back */
  var documentFind = {marks: [], at: -1};
  function clearDocumentFind() {
    documentFind.marks.forEach(function (m) {
      var parent = m.parentNode;
      if (!parent) return;
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
    documentFind = {marks: [], at: -1};
  }
  function findInDocument(step) {
    clearDocumentFind();
    var q = $("document-find-q").value.trim(), box = $("document-text");
    if (!q) { $("document-find-count").textContent = ""; return; }
    var walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT), nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.nodeValue, at = text.indexOf(q), from = 0, parts = [];
      if (at < 0) return;
      while (at >= 0) {
        if (at > from) parts.push(document.createTextNode(text.slice(from, at)));
        var m = el("mark", {className: "find", text: q});
        parts.push(m);
        documentFind.marks.push(m);
        from = at + q.length;
        at = text.indexOf(q, from);
      }
      if (from < text.length) parts.push(document.createTextNode(text.slice(from)));
      parts.forEach(function (x) { node.parentNode.insertBefore(x, node); });
      node.parentNode.removeChild(node);
    });
    if (step) stepDocumentFind(1);
    else showDocumentFindCount();
  }
  function showDocumentFindCount() {
    var n = documentFind.marks.length;
    $("document-find-count").textContent = !n ? "没有找到" : documentFind.at >= 0 ? "第 " + (documentFind.at + 1) + " / " + n + " 处" : "共 " + n + " 处";
  }
  function stepDocumentFind(by) {
    var marks = documentFind.marks;
    if (!marks.length) { showDocumentFindCount(); return; }
    if (documentFind.at >= 0) marks[documentFind.at].classList.remove("current");
    documentFind.at = documentFind.at < 0 ? (by > 0 ? 0 : marks.length - 1) : (documentFind.at + by + marks.length) % marks.length;
    marks[documentFind.at].classList.add("current");
    marks[documentFind.at].scrollIntoView({block: "center"});
    showDocumentFindCount();
  }
  var documentFindQuery = "";
  $("document-find").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = $("document-find-q").value.trim();
    if (q !== documentFindQuery || !documentFind.marks.length) { documentFindQuery = q; findInDocument(true); }
    else stepDocumentFind(1);
  });
  $("document-find-q").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.shiftKey) { ev.preventDefault(); stepDocumentFind(-1); }
  });
  $("document-find-q").addEventListener("input", function () { documentFindQuery = $("document-find-q").value.trim(); findInDocument(false); });
  $("document-find-prev").addEventListener("click", function () { stepDocumentFind(-1); });

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

  /* A figure as stated, qualifier and range included: 约5%, 5万亿元以上, 5—5.5%, 下降3.2% */
  var QUALIFIER_AFTER = /^(?:及?以上|及?以下|以内|左右|上下|多)$/;
  function figureText(f) {
    var q = f.qualifier || "", after = QUALIFIER_AFTER.test(q);
    return (f.direction === "down" ? "下降" : "") + (after ? "" : q) + f.value + (f.max_value ? "—" + f.max_value : "") +
      f.unit + (after ? q : "");
  }
  /* the short mark a qualified bar carries on the chart: 以上, 约, 左右, or the range 5—5.5 */
  function figureMark(f) {
    if (f.max_value) return f.value + "—" + f.max_value;
    return f.qualifier || "";
  }
  /* a place name short enough for an axis on a phone: 内蒙古自治区 → 内蒙古, 广西壮族自治区 → 广西 */
  function shortPlace(name) {
    var s = name.replace(/(?:维吾尔|壮族|回族)?自治区$|特别行政区$|省$|市$/, "");
    return s.length >= 2 ? (s.length > 6 ? s.slice(0, 5) + "…" : s) : name;
  }
  /* the chart follows its box: when the viewer opens or closes beside it, the window or the phone turns */
  var lastIndicator = null, chartNarrow = null;
  function narrowChart() { return $("indicator-chart").clientWidth < 600; }
  function relayoutIndicatorChart() {
    if (!chart || $("tab-indicator").hidden || $("indicator-chart").hidden) return;  /* the map is shown instead */
    if (lastIndicator && chartNarrow !== narrowChart()) renderIndicator(lastIndicator);
    else chart.resize();
  }
  if (window.ResizeObserver) new ResizeObserver(function () { requestAnimationFrame(relayoutIndicatorChart); }).observe($("indicator-chart"));

  /* the bar chart of places: bars best first, a lighter segment up to the top of a range, the
     qualifier over a qualified bar; on a narrow screen the bars lie down (names one to a row) */
  function placeBarOption(r, facts, scale, title) {
    var narrow = narrowChart(), names = facts.map(function (f) { return narrow ? shortPlace(f.place) : f.place; });
    var lower = facts.map(function (f, i) {
      var v = scale.values[i], mark = figureMark(f);
      return {value: v, fact: i, label: {show: !!mark && v != null && !f.max_value, formatter: mark,
                                         position: narrow ? "right" : "top", color: "#7a4a00", fontSize: 11}};
    });
    var upper = facts.map(function (f, i) {
      var hi = f.max_value && scale.values[i] != null ? scale.values[i] * parseFloat(f.max_value) / parseFloat(f.value) : null;
      /* the range's label over its upper segment: 5—5.5 */
      return {value: hi != null && isFinite(hi) ? hi - scale.values[i] : null, fact: i,
              label: {show: hi != null, formatter: figureMark(f), position: narrow ? "right" : "top", color: "#7a4a00", fontSize: 11}};
    });
    var category = {type: "category", data: names, axisLabel: narrow ? {interval: 0, fontSize: 11} :
                    {rotate: facts.length > 8 ? 40 : 0, interval: 0, hideOverlap: false}};
    var value = narrow ? {type: "value", name: scale.unit, nameLocation: "middle", nameGap: 24} : {type: "value", name: scale.unit};
    if (narrow) category.inverse = true;
    return {title: {text: title, left: "center", textStyle: {fontSize: 14, width: narrow ? 340 : 900, overflow: "truncate"}},
            tooltip: {trigger: "item"},
            grid: narrow ? {left: 8, right: 44, top: 40, bottom: 34, containLabel: true} : {left: 60, right: 20, top: 40, bottom: 90},
            xAxis: narrow ? value : category, yAxis: narrow ? category : value,
            series: [{type: "bar", name: r.indicator, stack: "v", itemStyle: {color: "#2f7ebc"}, data: lower},
                     {type: "bar", name: "区间上限", stack: "v", data: upper,
                      itemStyle: {color: "rgba(47,126,188,0.25)", borderColor: "#2f7ebc", borderType: "dashed", borderWidth: 1}}]};
  }
  function sizeIndicatorChart(n, narrow) {
    var box = $("indicator-chart"), want = narrow && n ? Math.max(320, 26 * n + 70) + "px" : "";
    if (box.style.height !== want) { box.style.height = want; if (chart) chart.resize(); }
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
    return fetch(url, {headers: {"Accept": "application/json", "Accept-Language": "zh-CN"}}).then(function (resp) {
      return resp.json().then(function (body) {
        if (!resp.ok) throw new Error(body.message_zh || body.error || ("HTTP " + resp.status));
        return body;
      });
    }).then(renderIndicator).catch(function (e) {
      if (chart) chart.clear();
      if (window.govkg.drawIndicatorMap) window.govkg.drawIndicatorMap(null);
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
    lastIndicator = r;
    chartNarrow = narrowChart();
    sizeIndicatorChart(r.over_years ? 0 : facts.length, chartNarrow);
    var marked = facts.some(function (f) { return f.qualifier || f.max_value; });
    $("indicator-note").textContent = marked ? "图中标注：以上＝下限（实际值不低于此），约/左右＝约数，浅色虚线段＝区间的上限部分；悬停或单击看原文。" : "";
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
                xAxis: {type: "category", data: years.map(String), axisLabel: {hideOverlap: true, rotate: chartNarrow && years.length > 5 ? 45 : 0}},
                yAxis: {type: "value", name: scale.unit, scale: true},
                series: Object.keys(series).map(function (k) { return series[k]; })};
    } else {
      option = placeBarOption(r, facts, scale, title);
    }
    option.tooltip.formatter = function (p) {  /* plain text: ECharts shows it as text with renderMode richText */
      var f = facts[p.data.fact];
      return f.place + " " + f.year + " " + STATUS[f.status] + "：" + figureText(f) + (f.note ? "（" + f.note + "）" : "") +
        "\n「" + f.quote + "」";
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
        el("td", {text: figureText(f) + (f.note ? "（" + f.note + "）" : "")}),
        el("td", {className: "quote-cell"}, [el("button", {type: "button", className: "linkish", text: "「" + f.quote + "」",
                                    onclick: function () { showPassage(f.passage, f.quote_start, f.quote_end, f.quote); }})]),
        el("td", {text: docLabel(f.doc), title: f.doc})]);
    });
    table.replaceChildren(el("thead", {}, [head]), el("tbody", {}, rows));
    window.govkg.indicatorChart = chart;
    /* the map of the same figures (indicator-map.js): the same facts, scale, title and wording */
    if (window.govkg.drawIndicatorMap) window.govkg.drawIndicatorMap(r, {title: title, scale: scale, figureText: figureText, figureMark: figureMark});
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
        $("search-doc").appendChild(el("option", {value: d.file, title: d.file,
                                               text: truncate(d.display_title || d.title || d.file, 30)}));
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
  window.govkg.shownResultsText = shownResultsText;
  init();
})();
