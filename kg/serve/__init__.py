"""`kg serve`: the HTTP API, the SPARQL protocol endpoint and the web page.

app (the app factory and `kg serve`), options (defaults and option validators), state (the build
being served), http_errors, one *_routes module per area, sparql_protocol and sparql_worker (the
SPARQL endpoint's serialization and killable query processes). Re-exports nothing: import the
submodules (kg.serve.app loads FastAPI and uvicorn)."""
