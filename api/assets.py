"""Where the front-end libraries of the pages are (hatch_build.py installs them from the npm registry):
``api/vendor/`` in an installed wheel, ``node_modules/`` in a checkout (``make`` runs ``npm ci``)."""

from __future__ import annotations

import logging
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: the folder each library is served from, in the wheel and in a checkout
LIBRARIES = {
    "yasgui": ("vendor/yasgui", "../node_modules/@zazuko/yasgui/build"),
    "swagger-ui": ("vendor/swagger-ui", "../node_modules/swagger-ui-dist"),
}
log = logging.getLogger("lcc.api")


def library_dir(name: str) -> Path:
    """The folder that holds library ``name``'s files (the wheel's first, else the checkout's)."""
    for candidate in LIBRARIES[name]:
        path = (HERE / candidate).resolve()
        if path.is_dir():
            return path
    log.warning("the front-end library %s is not installed: run `make install` (npm ci); its pages will "
                "not work until then", name)
    return (HERE / LIBRARIES[name][0]).resolve()
