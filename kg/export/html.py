"""The HTML export: one self-contained file with an interactive graph.

It is made from the same files as the page's graph view: the template kg/static/export.html, the
vendored vis-network (kg/static/vendor/, from npm), graph.css and graph.js (shared with the page),
and export.css/export.js (this page's panel and node search). They are inlined, so the file makes no
network request (a Content-Security-Policy forbids any). The data is one JSON document in
<script type="application/json"> with <, >, & escaped (so document text cannot close the script
element or open a comment), and every text from the corpus is put into the page with textContent,
never as HTML.

Imports the model (kg.export.model: node types, their colours) and the node sizes of kg.export.layout.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache

from kg.errors import KGError
from kg.export.layout import node_size
from kg.export.model import OBSERVATION, TYPE_STYLE
from kg.resources import STATIC_DIR

# The page's default cap (a parameter, not a property of any corpus): render() draws at most this
# many nodes unless told otherwise (max_nodes="all", `kg export --all`) and says how many it left out.
# How to choose it: the page draws every node with its 14 px label, legible at zoom 1, and layout()
# spreads n nodes over about 2·(40·√n + 150) px; take the largest n whose spread fits one screen,
# n ≈ ((W/2 − 150)/40)² for a screen W px wide: 150 nodes take ~1300 px, one laptop screen. (The
# bundled corpus's ~870 nodes take ~2700 px, shown whole only at zoom ≈ 0.4, where the labels are
# unreadable and a hub's hundreds of edges make a hairball.)
HTML_MAX_NODES = 150

KIND_NAMES = {"Province": "省级行政区", "City": "地级市", "District": "区县", "DevelopmentZone": "开发区/新区",
              "Town": "乡镇街道", "Place": "地点"}
PREDICATE_NAMES = {"gk:locatedIn": "位于", "gk:responsibleAgency": "责任机构", "gk:mentions": "提及",
                   "gk:inDocument": "所属文件", "gk:Observation": "观测值"}
EDGE_COLORS = {"gk:Observation": "#c9b8e3", "gk:locatedIn": "#2f7ebc", "gk:responsibleAgency": "#e5812d",
               "gk:mentions": "#d5d8dc", "gk:inDocument": "#7f868d"}


@lru_cache(maxsize=1)
def static_assets() -> dict[str, str]:
    """The template and the files it inlines, made safe to inline: nothing in them may end the
    <script>/<style> element early."""
    names = {"template": "export.html", "vis": "vendor/vis-network.min.js", "vis_css": "vendor/vis-network.min.css", "versions": "vendor/VERSIONS",
             "graph_css": "graph.css", "graph_js": "graph.js", "export_css": "export.css", "export_js": "export.js"}
    out = {}
    for key, name in names.items():
        path = STATIC_DIR / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise KGError(f"the HTML export needs {path}, which cannot be read ({e.strerror or e})") from None
        if key != "template":
            text = re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)
        out[key] = text
    versions = dict(line.split(" ", 1) for line in out["versions"].splitlines() if " " in line)
    out["vis_version"] = versions.get("vis-network", "?")
    return out


def script_json(data) -> str:
    """JSON that is safe inside <script>: no </, <!--, or ]]> can appear in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_data(sub, G, pos: dict, title: str) -> dict:
    counts: dict[str, int] = {}
    nodes = []
    for iri, data in G.nodes(data=True):
        node = sub.nodes[iri]
        counts[node.type] = counts.get(node.type, 0) + 1
        x, y = pos.get(iri, (0.0, 0.0))
        item = {"id": iri, "label": node.label, "type": node.type, "kind": node.kind, "aliases": node.aliases,
                "x": x, "y": y, "size": node_size(data["degree"]), "degree": data["degree"],
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
    assets = static_assets()
    data = page_data(sub, G, pos, title)
    fields = {"@@TITLE@@": html.escape(title),
              "@@GENERATOR@@": html.escape(f"govkg {version}; vis-network {assets['vis_version']}"),
              "@@STATS@@": html.escape(f"{len(data['nodes'])} 节点 · {len(data['edges'])} 边 · {sub.description}"),
              "@@STYLE@@": assets["vis_css"] + "\n" + assets["graph_css"] + "\n" + assets["export_css"],
              "@@SCRIPT@@": assets["vis"] + "\n" + assets["graph_js"],
              "@@EXPORT_JS@@": assets["export_js"],
              "@@DATA@@": script_json(data)}
    # one pass over the template only: a placeholder written inside a label or a library is never replaced
    return re.sub("|".join(map(re.escape, fields)), lambda m: fields[m.group(0)], assets["template"]).encode("utf-8")
