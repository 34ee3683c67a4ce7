"""Picking a label in the reader's language."""

from __future__ import annotations

import pyoxigraph as ox

SUPPORTED_LANGS = ("en", "he", "ar")


def pick(literals: list[ox.Literal], lang: str) -> str | None:
    """The literal in ``lang``, else English, else any."""
    by_lang = {lit.language or "": lit.value for lit in literals}
    for key in (lang, "en", ""):
        if key in by_lang:
            return by_lang[key]
    return next(iter(by_lang.values()), None)
