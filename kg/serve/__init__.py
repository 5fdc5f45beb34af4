"""`kg serve`: the HTTP API, the SPARQL protocol endpoint and the web page."""
