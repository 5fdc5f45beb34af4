"""/health, /info, /overview and /examples: what is served, the corpus at a glance, and the
example SPARQL queries (examples/*.rq) the page offers.

Imports: fastapi, kg.resources, kg.serve.state.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends  # at module level: FastAPI resolves the annotations by name
from fastapi.responses import JSONResponse

from kg.resources import EXAMPLES_DIR  # examples/ in a checkout, kg/examples in a wheel
from kg.serve.state import ServeState, serve_state

router = APIRouter()


@router.get("/health", tags=["service"], summary="服务状态与当前提供的构建")
async def health(state: ServeState = Depends(serve_state)):
    follower, config = state.follower, state.config
    s = follower.served
    pool = s.pool
    body = {"status": "ok", "build": s.graph.build_dir.name, "built_at": s.graph.manifest.get("built_at"),
            "ready": state.ready, "sparql": {"workers": pool.size, "live": pool.live, "idle": pool.idle,
                                             "timeout": config.timeout, "max_rows": config.max_rows,
                                             **pool.stats}}
    if follower.problem:
        body["newer_build"] = follower.problem  # still serving the build above
    if not pool.healthy:  # it cannot answer queries: say why, with 503
        body.update(status="unavailable", reason=f"no SPARQL worker is running ({pool.problem})")
        return JSONResponse(body, status_code=503)
    return body


@router.get("/info", tags=["service"], summary="按类和按文件的统计（同 `kg info --format json`）")
async def info(state: ServeState = Depends(serve_state)):
    return JSONResponse(await state.on_graph(lambda g: g.info()))


def _overview(g) -> dict:
    counts = {k: g.store.count(f"gk:{k}") for k in ("Document", "Passage", "Place", "Agency", "Program",
                                                  "Indicator", "Observation")}
    return {"counts": counts, "questions": g.example_questions()}


@router.get("/overview", tags=["service"], summary="语料概况及据此生成的示例问题")
async def overview(state: ServeState = Depends(serve_state)):
    return JSONResponse(await state.on_graph(_overview, locked=True))


@router.get("/examples", tags=["service"], summary="SPARQL 示例查询（examples/*.rq）")
def examples():
    return load_examples()


def load_examples() -> list[dict]:
    """examples/*.rq: name, title (the first comment line) and query text."""
    out = []
    for path in sorted(EXAMPLES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.lstrip("#").strip() if first.startswith("#") else path.stem
        # the page's title: a "# 标题：" comment line, else the first comment line
        title_zh = next((line.split("：", 1)[1].strip() for line in text.splitlines()
                         if line.startswith("# 标题：")), title)
        out.append({"name": path.stem, "title": title, "title_zh": title_zh, "query": text})
    if not out:
        out.append({"name": "count_by_class", "title": "Instances per class", "title_zh": "每个类的实例数",
                    "query": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"})
    return out
