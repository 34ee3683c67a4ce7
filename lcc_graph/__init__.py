"""lcc-graph: a knowledge graph of the Common Criteria of learning communities and cities."""

__version__ = "0.1.0"
