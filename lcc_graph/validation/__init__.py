"""Validation: structure shapes that reject, criteria shapes that find (fast engine + pySHACL reference)."""
