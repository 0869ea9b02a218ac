"""The light page frontend (sandbox/ui/jupyter/lite, issues 14 and 17): the committed bundle is
built from the committed sources; the app page uses it and the plotly pages keep Voila's lab
frontend; ``--frontend lab`` puts every page back on Voila's; the bundle is served compressed and
cacheable for a year."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from sandbox.ui.serve import frontend_of, voila_command, voila_env
from tests.test_browser import running_voila
from tests.test_voila_app import get

LITE = Path(__file__).resolve().parents[1] / "sandbox" / "ui" / "jupyter" / "lite"
GFMIS = LITE.parent / "voila" / "templates" / "gfmis"
REBUILD = ("the light frontend's sources changed without a rebuild: run  cd sandbox/ui/jupyter/lite && npm ci && "
           "npm run build  and commit the new files in sandbox/ui/jupyter/voila/templates/gfmis/static/ and "
           "lite_assets.html.j2 (docs/architecture.md, «The light page frontend»)")


def source_hash() -> str:
    """build.mjs's recipe: sha256 over (name NUL content NUL) of build.mjs, package.json,
    package-lock.json and every file in src/, names sorted."""
    names = sorted(["build.mjs", "package.json", "package-lock.json", *(f"src/{p.name}" for p in (LITE / "src").iterdir())])
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (LITE / name).read_bytes() + b"\0")
    return digest.hexdigest()


def assets() -> tuple[str, str]:
    text = (GFMIS / "lite_assets.html.j2").read_text("utf-8")
    js = re.search(r"static/(lite\.[0-9a-f]{16}\.js)", text).group(1)
    css = re.search(r"static/(lite\.[0-9a-f]{16}\.css)", text).group(1)
    return js, css


def test_the_bundle_is_built_from_the_committed_sources():
    want = source_hash()
    for name in assets():
        path = GFMIS / "static" / name
        assert path.is_file(), f"{name} is named in lite_assets.html.j2 but missing: {REBUILD}"
        first = path.read_text("utf-8").split("\n", 1)[0]
        assert f"gfmis-lite sources {want}" in first, REBUILD
        # the name carries the content's hash: a new build is a new URL (cached for a year)
        assert name.split(".")[1] == hashlib.sha256(path.read_bytes()).hexdigest()[:16], REBUILD
    left = sorted(p.name for p in (GFMIS / "static").glob("lite.*") if p.name not in assets())
    assert not left, f"old bundles left in static/: {left}"


def test_the_frontend_is_chosen_on_the_command_line():
    from tests.test_voila_app import parsed

    def resources(command):
        return parsed(command).VoilaConfiguration.resources

    assert resources(voila_command(8866)) == {"gfmis_frontend": "lite"}
    assert resources(voila_command(8866, frontend="lab")) == {"gfmis_frontend": "lab"}
    assert resources(voila_command(8866, class_mode=True, frontend="lab")) == {"gfmis_frontend": "lab"}
    with pytest.raises(ValueError):
        frontend_of("vue")


def _page(base: str, path: str) -> str:
    _status, _headers, body = get(base + path)
    return body.decode("utf-8")


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lite")
    with running_voila(lambda port: voila_command(port), voila_env(str(folder / "app.sqlite")), folder,
                       ready="/voila/static/voila.js") as base:
        yield base


def test_the_app_page_uses_the_light_frontend_and_the_policy_page_the_lab_one(lite):
    js, css = assets()
    app = _page(lite, "/voila/render/app.ipynb?screen=login")
    assert f"static/{js}" in app and f"static/{css}" in app
    # no JupyterLab application: our script the only one fetched, nothing preloaded
    assert re.findall(r'<script[^>]* src="[^"]*/([^"/]+)"', app) == [js] and 'rel="preload"' not in app
    assert 'class="gf-spinner"' in app and "window.voila_finish()" in app  # our spinner, Voila's progress calls
    assert "cdn.jsdelivr" not in app
    policy = _page(lite, "/voila/render/policy.ipynb")
    assert "voila/static/voila.js" in policy and js not in policy


def test_the_bundle_is_served_compressed_and_cached_for_a_year(lite):
    for name in assets():
        path = GFMIS / "static" / name
        url = f"{lite}/voila/templates/gfmis/static/{name}"
        status, headers, body = get(url, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert gzip.decompress(body) == path.read_bytes() and len(body) < path.stat().st_size / 2
        assert "immutable" in headers.get("Cache-Control", "") and "max-age=31536000" in headers["Cache-Control"]


def test_frontend_lab_puts_every_page_back_on_voilas(tmp_path):
    with running_voila(lambda port: voila_command(port, frontend="lab"), voila_env(str(tmp_path / "app.sqlite")), tmp_path,
                       ready="/voila/static/voila.js") as base:
        app = _page(base, "/voila/render/app.ipynb?screen=login")
    assert "voila/static/voila.js" in app and "gfmis/static/lite." not in app


@pytest.mark.browser
def test_a_lost_server_shows_a_thai_and_english_message_not_a_trace(tmp_path):
    """The app page drawn by the light frontend (no JupyterLab shell, the spinner gone); the
    server then stopped under it: the page says so in Thai and English, with no stack trace."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARGS, CHROMIUM, need_chromium, new_page

    need_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = new_page(browser, viewport={"width": 1366, "height": 768})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        with running_voila(voila_command, voila_env(str(tmp_path / "app.sqlite")), tmp_path) as base:
            page.goto(base + "/voila/render/app.ipynb?screen=login", timeout=120_000)
            page.wait_for_selector(".gf-login-user input", state="visible", timeout=120_000)
            assert page.get_attribute("body", "data-gf-lite") == "ready"
            assert page.locator("#main.jp-LabShell").count() == 0 and page.locator("#loading").count() == 0
            assert page.locator(".gf-lite-problem").count() == 0
        problem = page.wait_for_selector(".gf-lite-problem", timeout=60_000)
        text = problem.inner_text()
        assert "การเชื่อมต่อ" in text and "connection to the server was lost" in text
        body = page.inner_text("body")
        assert "Traceback" not in body and "Error:" not in body
        assert errors == []
        browser.close()


BROKEN = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "w", "metadata": {}, "outputs": [], "source": [
        "import ipywidgets as w\n",
        "from traitlets import Unicode\n",
        "\n",
        "class Elsewhere(w.DOMWidget):\n",
        "    \"\"\"A widget of a library the light frontend does not carry.\"\"\"\n",
        "    _model_module = Unicode('gfmis-not-bundled').tag(sync=True)\n",
        "    _model_name = Unicode('ElsewhereModel').tag(sync=True)\n",
        "    _view_module = Unicode('gfmis-not-bundled').tag(sync=True)\n",
        "    _view_name = Unicode('ElsewhereView').tag(sync=True)\n",
        "\n",
        "w.VBox([w.HTML('<b class=\"gf-drawn\">drawn</b>'), Elsewhere()])",
    ]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


@pytest.mark.browser
def test_a_widget_the_light_frontend_cannot_draw_shows_a_thai_and_english_message_not_a_trace(tmp_path):
    """A page whose widgets include one of a library the bundle does not carry (a notebook of our
    own, served as the app is): the page says it could not be shown, in Thai and English, with no
    stack trace; the details go to the browser's console."""
    from playwright.sync_api import sync_playwright

    from sandbox.ui.serve import NOTEBOOKS
    from tests.test_browser import ARGS, CHROMIUM, need_chromium, new_page

    need_chromium()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "broken.ipynb").write_text(json.dumps(BROKEN), "utf-8")

    def command(port):
        return [str(folder) if arg == str(NOTEBOOKS) else arg for arg in voila_command(port)]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = new_page(browser)
        console: list[str] = []
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and console.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        with running_voila(command, voila_env(str(tmp_path / "app.sqlite")), tmp_path,
                           ready="/voila/static/voila.js") as base:
            page.goto(base + "/voila/render/broken.ipynb", timeout=120_000)
            problem = page.wait_for_selector(".gf-lite-problem", timeout=120_000)
            assert page.get_attribute(".gf-lite-problem", "data-kind") == "failed"
            text = problem.inner_text()
            assert "แสดงหน้าจอนี้ไม่สำเร็จ" in text and "This screen could not be shown" in text
            assert page.get_attribute("body", "data-gf-lite") == "ready"  # the page got to its end
            assert page.locator("#loading").count() == 0  # no spinner left turning
            body = page.inner_text("body")
            assert "Traceback" not in body and "Error:" not in body and "gfmis-not-bundled" not in body
            # not ipywidgets' error widget either (a stack trace on a click)
            assert "javascript error" not in body and page.locator(".jupyter-widgets-error-widget").count() == 0
            assert page.locator(".gf-drawn").count() == 1  # what could be drawn was
        assert errors == []
        assert any("gfmis-not-bundled" in line for line in console), console  # the details: the console only
        browser.close()


BOXES = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [], "source": [
        "import ipywidgets as w\n",
        "a, b = w.HTML('<b class=\"gf-a\">A</b>'), w.HTML('<b class=\"gf-b\">B</b>')\n",
        "box = w.VBox([a])\n",
        "box.add_class('gf-box')\n",
        "def swap(_):\n",
        "    box.children = [b] if box.children == (a,) else [a]\n",
        "def both(_):\n",
        "    box.children = [b, a]\n",
        "def edit(_):\n",
        "    a.value = '<b class=\"gf-a\">A2</b>'\n",
        "def close(_):\n",
        "    box.children = [b]\n",
        "    a.close()\n",
        "buttons = []\n",
        "for name, act in (('swap', swap), ('both', both), ('edit', edit), ('close', close)):\n",
        "    button = w.Button(description=name)\n",
        "    button.add_class('gf-' + name)\n",
        "    button.on_click(act)\n",
        "    buttons.append(button)\n",
        "w.VBox(buttons + [box])",
    ]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


@pytest.mark.browser
def test_a_box_keeps_the_views_of_children_that_come_back(tmp_path):
    """A box whose children change keeps the view of each child (src/boxes.js): a child that
    leaves is detached and follows its model meanwhile; when it comes back the same element is
    attached again, in the order of ``children``; a closed child's view goes."""
    from playwright.sync_api import sync_playwright

    from sandbox.ui.serve import NOTEBOOKS
    from tests.test_browser import ARGS, CHROMIUM, need_chromium, new_page

    need_chromium()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "boxes.ipynb").write_text(json.dumps(BOXES), "utf-8")

    def command(port):
        return [str(folder) if arg == str(NOTEBOOKS) else arg for arg in voila_command(port)]

    def shown(page) -> list[str]:
        return page.eval_on_selector(".gf-box", "(box) => Array.from(box.querySelectorAll('b'), (b) => b.textContent)")

    def kept(page) -> int:  # the views the box keeps (src/boxes.js: gfViews)
        return page.evaluate("async () => { const manager = window.gfmisLite.manager;"
                             " const models = await Promise.all(Object.values(manager._models));"
                             " const box = models.find((m) => (m.get('_dom_classes') || []).includes('gf-box'));"
                             " const views = await Promise.all(Object.values(box.views));"
                             " return views[0].gfViews.size; }")

    def wait_shown(page, texts: list[str]) -> None:
        page.wait_for_function("(want) => JSON.stringify(Array.from(document.querySelectorAll('.gf-box b'),"
                               " (b) => b.textContent)) === JSON.stringify(want)", arg=texts, timeout=30_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = new_page(browser)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        with running_voila(command, voila_env(str(tmp_path / "app.sqlite")), tmp_path,
                           ready="/voila/static/voila.js") as base:
            page.goto(base + "/voila/render/boxes.ipynb", timeout=120_000)
            page.wait_for_selector(".gf-box .gf-a", timeout=120_000)
            page.eval_on_selector(".gf-box .gf-a", "(b) => { b.closest('.widget-html').dataset.first = 'yes'; }")
            page.click(".gf-swap")
            wait_shown(page, ["B"])
            assert page.locator(".gf-a").count() == 0  # not on the page while away
            page.click(".gf-edit")  # changed while away: the kept view follows its model
            page.click(".gf-swap")
            wait_shown(page, ["A2"])
            assert page.eval_on_selector(".gf-box .gf-a", "(b) => b.closest('.widget-html').dataset.first") == "yes"
            page.click(".gf-both")
            wait_shown(page, ["B", "A2"])
            assert page.eval_on_selector(".gf-box .gf-a", "(b) => b.closest('.widget-html').dataset.first") == "yes"
            assert shown(page) == ["B", "A2"]
            assert kept(page) == 2
            page.click(".gf-close")
            wait_shown(page, ["B"])
            # the box kept one view per child it held (A and B), and let A's go when A was closed
            assert kept(page) == 1
        assert errors == []
        browser.close()


STEPS = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "s", "metadata": {}, "outputs": [], "source": [
        "import time\n",
        "import ipywidgets as w\n",
        "\n",
        "out = w.HTML('<b class=\"gf-n\">0</b>')\n",
        "short = w.Button(description='short', _dom_classes=['gf-short'])\n",
        "slow = w.Button(description='slow', _dom_classes=['gf-slow'])\n",
        "\n",
        "def go_short(_):\n",
        "    for i in range(1, 6):\n",
        "        out.value = f'<b class=\"gf-n\">{i}</b>'\n",
        "        time.sleep(0.02)\n",
        "\n",
        "def go_slow(_):\n",
        "    out.value = '<b class=\"gf-n\">working</b>'\n",
        "    time.sleep(1.2)\n",
        "    out.value = '<b class=\"gf-n\">done</b>'\n",
        "\n",
        "short.on_click(go_short)\n",
        "slow.on_click(go_slow)\n",
        "w.VBox([out, short, slow])",
    ]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}
# Each change of the widget's text, with the animation frame it was made in and when.
SEEN = """() => { window.__frame = 0; const tick = () => { window.__frame++; requestAnimationFrame(tick); }; tick();
  window.__seen = []; new MutationObserver(() => { const e = document.querySelector('.gf-n');
    const text = e ? e.textContent : ''; const last = window.__seen[window.__seen.length - 1];
    if (!last || last[0] !== text) window.__seen.push([text, window.__frame, performance.now()]); })
  .observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


@pytest.mark.browser
def test_an_executions_changes_are_drawn_together_and_a_long_one_shows_its_progress(tmp_path):
    """Five changes the kernel sends 20 ms apart in one execution (a click) reach the screen in
    one animation frame (issue 14: one style, layout and paint instead of one per change); an
    execution that lasts over a second still shows its first change while it runs."""
    from playwright.sync_api import sync_playwright

    from sandbox.ui.serve import NOTEBOOKS
    from tests.test_browser import ARGS, CHROMIUM, need_chromium, new_page

    need_chromium()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "steps.ipynb").write_text(json.dumps(STEPS), "utf-8")

    def command(port):
        return [str(folder) if arg == str(NOTEBOOKS) else arg for arg in voila_command(port)]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = new_page(browser)
        with running_voila(command, voila_env(str(tmp_path / "app.sqlite")), tmp_path,
                           ready="/voila/static/voila.js") as base:
            page.goto(base + "/voila/render/steps.ipynb", timeout=120_000)
            page.wait_for_selector(".gf-short", timeout=120_000)
            page.evaluate(SEEN)
            page.click(".gf-short")
            page.wait_for_function("() => (document.querySelector('.gf-n') || {}).textContent === '5'", timeout=30_000)
            seen = page.evaluate("() => window.__seen")
            assert seen[-1][0] == "5" and len({s[1] for s in seen}) == 1, seen  # all in one frame: 1 to 4 never drawn
            page.evaluate(SEEN)
            page.click(".gf-slow")
            page.wait_for_function("() => (document.querySelector('.gf-n') || {}).textContent === 'done'", timeout=30_000)
            seen = page.evaluate("() => window.__seen")
            assert [s[0] for s in seen] == ["working", "done"], seen
            assert seen[1][2] - seen[0][2] > 800, seen  # «working» showed while the kernel worked
        browser.close()
