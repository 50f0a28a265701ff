"""The demo's lean page (``frontend/``, built into the ``bpwidgets-lean`` Voila template) is served as built from
its sources, and the command line chooses it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bpwidgets.server_command import PAGES, voila_command
from bpwidgets.dashboards import DASHBOARD_DIR

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "bpwidgets" / "share" / "jupyter" / "voila" / "templates" / "bpwidgets-lean" / "static"


def sources_digest() -> str:
    # the digest frontend/build.mjs writes beside what it builds, computed the same way
    digest = hashlib.sha256()
    names = ["package.json", "package-lock.json", "build.mjs",
             *sorted(f"src/{p.name}" for p in (FRONTEND / "src").iterdir())]
    for name in names:
        digest.update(name.encode())
        digest.update((FRONTEND / name).read_bytes())
    return digest.hexdigest()


def test_the_built_page_is_the_build_of_its_sources():
    # a changed source without `npm run build` in frontend/ would serve the old page
    assert (STATIC / "SOURCES.sha256").read_text().strip() == sources_digest(), (
        "frontend/ changed since its page was built: run `npm ci && npm run build` in frontend/")
    for name in ("page.js", "page.css", "light.css", "dark.css"):
        assert (STATIC / name).stat().st_size > 1000, name


def test_the_page_bundles_no_widget_library_of_its_own():
    # bqplot, bqscales and anywidget come from the labextensions installed beside their Python packages, so that
    # their front ends always match the Python side; only ipywidgets' own base and controls are in the bundle
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    bundled = {path.rpartition("node_modules/")[2] for path in lock["packages"] if path}
    assert {"@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyterlab/services"} <= bundled
    assert not {"bqplot", "bqscales", "anywidget", "three"} & bundled
    script = (STATIC / "page.js").read_text()
    assert "registerWidget" in script and "_JUPYTERLAB" in script


def test_the_command_line_chooses_the_page():
    def template(command: list[str]) -> str:
        (flag,) = [arg for arg in command if arg.startswith("--VoilaConfiguration.template=")]
        return flag.partition("=")[2]

    assert template(voila_command(9000, False, 60, DASHBOARD_DIR)) == PAGES["lab"] == "bpwidgets"
    assert template(voila_command(9000, False, 60, DASHBOARD_DIR, page="lean")) == PAGES["lean"] == "bpwidgets-lean"
    with pytest.raises(ValueError, match="page must be one of lean, lab"):
        voila_command(9000, False, 60, DASHBOARD_DIR, page="<script>")
    for name in PAGES.values():
        assert (ROOT / "bpwidgets" / "share" / "jupyter" / "voila" / "templates" / name / "index.html.j2").is_file()


def caret_allows(requirement: str, version: str) -> bool:
    """Whether ``version`` satisfies npm's ``^requirement`` (the form widget libraries declare; major 1 or more)."""
    wanted = [int(part) for part in requirement.lstrip("^").split(".")[:3]]
    have = [int(part) for part in version.split("-")[0].split(".")[:3]]
    return have[0] == wanted[0] and have >= wanted


def test_the_bundled_widget_modules_are_those_the_installed_ipywidgets_front_end_uses():
    # an upgraded ipywidgets (its jupyterlab-manager labextension) asking for newer base or controls than the page
    # bundles fails here, before a page shows widgets of another protocol: rebuild frontend/ with those versions
    from voila.utils import get_voila_labextensions_path

    manager = next(Path(p) / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
                   for p in get_voila_labextensions_path()
                   if (Path(p) / "@jupyter-widgets" / "jupyterlab-manager" / "package.json").is_file())
    required = json.loads(manager.read_text())["dependencies"]
    bundled = json.loads((FRONTEND / "package.json").read_text())["devDependencies"]
    for name in ("@jupyter-widgets/base", "@jupyter-widgets/base-manager", "@jupyter-widgets/controls"):
        assert caret_allows(required[name], bundled[name]), (name, required[name], bundled[name])
    assert caret_allows("^6.0.12", "6.1.0") and not caret_allows("^6.0.12", "7.0.0")
    assert not caret_allows("^5.0.13", "5.0.12")
