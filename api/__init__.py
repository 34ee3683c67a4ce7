"""The HTTP API and HTML pages of lcc-graph (FastAPI). Depends on lcc_graph, never the reverse."""
