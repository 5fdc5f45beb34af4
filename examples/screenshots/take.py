"""Take the README's screenshots of the page. `kg serve` must be running on the 22 provincial
reports (kg build --corpus ../shared/provinces --workspace .kg-provinces; kg serve --workspace
.kg-provinces). Usage: python examples/screenshots/take.py [URL]
Writes indicator.png, map.png and graph.png beside this file (PNG, 1000 px wide, a few hundred KB at most)."""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
HERE = Path(__file__).resolve().parent
VIEWS = {
    "indicator": ("#indicator?indicator=地区生产总值&year=2026&status=target&growth=true", "#indicator-table tbody tr",
                  "#tab-indicator"),
    "map": ("#indicator?indicator=地区生产总值&year=2026&status=target&growth=true", "#indicator-table tbody tr",
            "#indicator-map"),
    "graph": ("#graph?iri=https://w3id.org/govkg/resource/place/四川省", "#graph-canvas canvas", "#tab-graph"),
}

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1000, "height": 760}, locale="zh-CN")
    for name, (hash_, ready, area) in VIEWS.items():
        page.goto(URL + "/" + hash_)
        page.wait_for_selector(ready, timeout=60000)
        if name == "map":  # the same comparison, 地图: the provinces coloured by their target
            page.click("#indicator-show-map")
            page.wait_for_function("() => window.govkg.indicatorMap && "
                                   "window.govkg.indicatorMap.getOption().series.length", timeout=20000)
        if name == "graph":
            page.wait_for_function("window.govkg.graph && window.govkg.graph.settled()", timeout=30000)
        page.wait_for_timeout(500)
        box = page.locator(area).bounding_box()
        page.screenshot(path=str(HERE / f"{name}.png"),
                        clip={"x": 0, "y": box["y"] - 8, "width": 1000, "height": min(620, box["height"] + 16)})
        print("wrote", HERE / f"{name}.png")
    browser.close()
