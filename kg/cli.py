"""`kg` command line: argument parsing and printing only; the work is in the API."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import KGError, QueryError

EXAMPLES = """examples:
  kg build                                  build .kg/ from data/corpus/
  kg sparql 'SELECT ?f (COUNT(?p) AS ?n) WHERE { ?p gk:inDocument/gk:sourceFile ?f } GROUP BY ?f'
  kg sparql @query.rq --format csv
  kg info
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

    s = sub.add_parser("sparql", parents=[common], help="run a read-only SPARQL query",
                       description="Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). The gk:, gkr:, "
                       "rdfs:, skos:, prov:, dcterms:, xsd: prefixes are predeclared. Updates are refused.")
    s.add_argument("query", help="the query text, or @FILE to read it from a file, or - for stdin")
    s.add_argument("--format", "-f", default="table", choices=["table", "json", "csv", "tsv", "xml", "ttl", "nt"],
                   help="json is SPARQL 1.1 Query Results JSON (JSON-LD for CONSTRUCT); default: table")

    i = sub.add_parser("info", parents=[common], help="what is in the workspace")
    i.add_argument("--format", "-f", default="table", choices=["table", "json"])
    return p


def _version() -> str:
    from . import __version__

    return __version__


def _read_query(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    if arg.startswith("@"):
        path = Path(arg[1:])
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read query file {path}: {exc.strerror or exc}") from None
    return arg


def cmd_build(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .build import build

    err = Console(stderr=True)
    quiet = args.quiet or not sys.stderr.isatty() and os.environ.get("KG_PROGRESS") != "1"
    if quiet:
        report = build(args.corpus, args.workspace)
    else:
        with Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[stage]:<10}"), BarColumn(),
                      TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task("", total=None, stage="start")
            report = build(args.corpus, args.workspace,
                           progress=lambda stage, item: bar.update(task, stage=stage, description=item, advance=1))
    for file, reason in report.skipped:
        err.print(f"[yellow]warning:[/] skipped {file}: {reason}")
    for v in report.violations[:10]:
        err.print(f"[yellow]SHACL:[/] {v}")
    if report.violations:
        err.print(f"[yellow]warning:[/] {len(report.violations)} SHACL violation(s); see `kg info`")
    counts = ", ".join(f"{v} {k.lower()}s" for k, v in report.counts.items() if v)
    print(f"built {report.build_dir.parent.parent}/ from {len(report.documents)} documents "
          f"({len(report.skipped)} skipped) in {report.seconds:.1f}s: {counts}")
    return 0


def cmd_sparql(args) -> int:
    import kg

    from .graph import serialize_result

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

    from .graph import PREFIXES, serialize_result

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
        value = term.value
        if isinstance(term, ox.NamedNode):
            for prefix, ns in PREFIXES.items():
                if value.startswith(ns):
                    return f"{prefix}:{value[len(ns):]}"
        return value

    names = [v.value for v in result.variables]
    table = Table(*names, show_lines=False)
    n = 0
    for solution in result:
        table.add_row(*(short(solution[name]) for name in names))
        n += 1
    console.print(table)
    console.print(f"{n} row(s)")


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
    if info.get("model"):
        console.print(f"model: {info['model']}")
    console.print("versions: " + ", ".join(f"{k} {v}" for k, v in (info.get("versions") or {}).items()))
    return 0


COMMANDS = {"build": cmd_build, "sparql": cmd_sparql, "info": cmd_info}


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
