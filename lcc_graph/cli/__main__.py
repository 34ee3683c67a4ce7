"""``python -m lcc_graph.cli``."""

from . import main

main()
