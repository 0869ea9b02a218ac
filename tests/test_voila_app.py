"""Our Voila server (sandbox/ui/voila_app.py) over plain HTTP: compressed and cacheable static
files, the plotly extension only on the pages that draw plotly charts, the kernels' request
endpoint for this machine only."""

from __future__ import annotations

import gzip
import json
import re
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sandbox.ui.serve import voila_command, voila_env
from tests.test_browser import running_voila

LABEXT = Path(__import__("sys").prefix) / "share" / "jupyter" / "labextensions"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voila-app")
    with running_voila(lambda port: voila_command(port, ip="0.0.0.0"), voila_env(str(folder / "app.sqlite")), folder,
                       ready="/voila/static/voila.js") as base:
        yield base


def get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, dict(response.headers), response.read()


def extensions(html: bytes) -> list[str]:
    config = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    return [x["name"] for x in json.loads(config.group(1))["federated_extensions"]]


def test_only_the_pages_with_charts_load_plotly(server):
    _, _, app = get(server + "/voila/render/app.ipynb")
    names = extensions(app)
    assert "@jupyter-widgets/jupyterlab-manager" in names and "jupyterlab-plotly" not in names
    _, _, policy = get(server + "/voila/render/policy.ipynb")
    assert "jupyterlab-plotly" in extensions(policy)


def test_static_files_are_compressed_once_and_hashed_names_cached(server):
    entry = next((LABEXT / "@jupyter-widgets" / "jupyterlab-manager" / "static").glob("remoteEntry.*.js"))
    url = f"{server}/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/{entry.name}"
    status, headers, body = get(url, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == entry.read_bytes() and len(body) < entry.stat().st_size / 2
    assert "immutable" in headers.get("Cache-Control", "")
    _, plain_headers, plain = get(url)  # a client without gzip gets the file as it is
    assert plain == entry.read_bytes() and "Content-Encoding" not in plain_headers
    _, style_headers, _ = get(f"{server}/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/style.js")
    assert "immutable" not in style_headers.get("Cache-Control", "")  # no hash in the name: revalidated


def test_pages_are_compressed(server):
    _, headers, body = get(server + "/voila/render/app.ipynb", **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip" and b"jupyter-config-data" in gzip.decompress(body)


def _outside_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_the_kernels_request_endpoint_answers_this_machine_only(server):
    address = _outside_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    port = server.rsplit(":", 1)[1]
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(f"http://{address}:{port}/voila/query/00000000-0000-0000-0000-000000000000")
    assert refused.value.code == 403


def test_a_page_whose_rendering_fails_ends_with_a_message_and_a_logged_error(caplog):
    """Voila's handler waits on a queue fed by a rendering task: a failing task left the page
    loading for ever with nothing logged. Our renderer ends the page with a message instead."""
    import asyncio
    import logging

    from voila.notebook_renderer import NotebookRenderer

    from sandbox.ui import voila_app

    async def failing(self, *args, **kwargs):
        yield "<html><body>head", {}
        raise RuntimeError("Kernel didn't respond in 60 seconds")

    class Renderer:
        notebook_path = "trainer.ipynb"
        log = logging.getLogger("test-renderer")

    assert hasattr(NotebookRenderer.generate_content_generator, "__wrapped__")  # installed on import
    generate = voila_app._ends_when_failed(failing)

    async def collect():
        return [html async for html, _ in generate(Renderer())]

    with caplog.at_level(logging.ERROR, logger="test-renderer"):
        parts = asyncio.run(collect())
    assert parts[0] == "<html><body>head"
    assert "เปิดหน้านี้ไม่สำเร็จ" in parts[-1] and "Please reload" in parts[-1] and parts[-1].endswith("</html>")
    assert "trainer.ipynb could not be rendered" in caplog.text and "60 seconds" in caplog.text


def test_a_page_gone_mid_message_leaves_no_traceback_in_the_log(monkeypatch):
    """Tornado's write to a page's closed websocket fails a future nobody reads; asyncio then
    logs "Task exception was never retrieved" with a traceback. Our kernel socket reads it."""
    import asyncio

    from tornado.websocket import WebSocketClosedError
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    from sandbox.ui.voila_app import REPLACE, KernelSocket

    assert REPLACE[VoilaKernelWebsocketHandler] is KernelSocket

    async def closed():
        raise WebSocketClosedError()

    async def scenario():
        monkeypatch.setattr("jupyter_server.services.kernels.websocket.KernelWebsocketHandler.write_message",
                            lambda self, message, binary=False: asyncio.ensure_future(closed()))
        handler = KernelSocket.__new__(KernelSocket)
        future = handler.write_message({"header": {"msg_type": "comm_msg"}})
        await asyncio.sleep(0.01)
        return future, future._log_traceback  # True: asyncio would log it when collected

    future, unread = asyncio.run(scenario())
    assert unread is False
    assert isinstance(future.exception(), WebSocketClosedError)


def test_a_kernel_gone_while_its_request_is_sent_leaves_no_traceback_in_the_log(monkeypatch):
    """The same for Voila's request-info socket, where a pre-heated kernel waits for its page
    (seen in the class load: a kernel shut down as its page's request was sent)."""
    import asyncio

    from tornado.websocket import WebSocketClosedError, WebSocketHandler

    from sandbox.ui.voila_app import LocalRequestInfoHandler

    async def closed():
        raise WebSocketClosedError()

    async def scenario():
        monkeypatch.setattr(WebSocketHandler, "write_message",
                            lambda self, message, binary=False: asyncio.ensure_future(closed()))
        handler = LocalRequestInfoHandler.__new__(LocalRequestInfoHandler)
        future = handler.write_message({"kernel_id": "k"})
        await asyncio.sleep(0.01)
        return future, future._log_traceback

    future, unread = asyncio.run(scenario())
    assert unread is False
    assert isinstance(future.exception(), WebSocketClosedError)


def test_the_idle_culler_leaves_a_starting_kernel_alone():
    """A kernel with no activity yet (still starting, e.g. filling the pool) is not examined:
    Jupyter Server would read its last activity and log a ``TraitError`` traceback."""
    import asyncio

    from jupyter_server.services.kernels.kernelmanager import (
        AsyncMappingKernelManager,
        MappingKernelManager,
        ServerKernelManager,
    )
    from traitlets import TraitError

    import sandbox.ui.voila_app  # noqa: F401  (installs the guard)

    manager = AsyncMappingKernelManager()
    manager._kernels["starting"] = ServerKernelManager()
    assert asyncio.run(manager.cull_kernel_if_idle("starting")) is None
    with pytest.raises(TraitError):  # without the guard
        asyncio.run(MappingKernelManager.cull_kernel_if_idle.__wrapped__(manager, "starting"))


def parsed(command: list[str]):
    """The server's configuration from ``command`` (its options, as our Voila application reads
    them); a deprecated form of an option fails (traitlets says so in the server's log)."""
    import warnings

    from sandbox.ui.voila_app import GfmisVoila

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        app = GfmisVoila()
        app.parse_command_line(command[3:])
    return app.config


def test_the_policy_page_is_pre_heated_for_one_person_not_in_a_class():
    def option(command, name):
        return next(a.split("=", 1)[1] for a in command if a.startswith(name + "="))

    single = voila_command(8866, pool_size=2)
    assert parsed(single).VoilaKernelManager.kernel_pools_config == {
        "default": {"pool_size": 2}, "policy.ipynb": {"pool_size": 1}}
    assert "policy" not in option(single, "--VoilaKernelManager.preheat_denylist")
    klass = voila_command(8866, class_mode=True, pool_size=4)
    assert '"policy"' in option(klass, "--VoilaKernelManager.preheat_denylist")
    assert "kernel_pools_config" not in parsed(klass).VoilaKernelManager
    assert parsed(klass).VoilaConfiguration.http_header_envs == ["X-Gfmis-Key"]


def test_a_page_waiting_for_its_kernel_shows_our_light_spinner(server):
    """Voila's rotating SVG is replaced by our template's animated GIF (no CSS animation)."""
    _status, _headers, body = get(f"{server}/voila/render/app.ipynb")
    assert b'class="gf-spinner"' in body and b"@keyframes rotation" not in body and b'class="spinner"' not in body


def test_a_lab_frontend_page_preloads_its_scripts(server):
    """Issue 17: the scripts Voila's frontend fetches in three waves are named in the page's head
    (preload.html.j2); each is still a file this server has (a new Voila or widget version renames
    them: `python -m bench.page_trace --write-preload` writes the list again). The plotly
    extension is not among them. (The app page now has the light frontend, one script: the policy
    page, on Voila's frontend, is the one checked.)"""
    _, _, app = get(server + "/voila/render/policy.ipynb")
    head = app.split(b"</head>", 1)[0].decode()
    preloads = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', head)
    assert len(preloads) >= 40 and len(set(preloads)) == len(preloads)
    assert any(p.endswith("/voila/static/voila.js") for p in preloads)
    assert any("/@jupyter-widgets/jupyterlab-manager/static/remoteEntry." in p for p in preloads)
    assert not [p for p in preloads if "plotly" in p]
    for path in preloads:
        status, _, body = get(server + path)
        assert status == 200 and body, path
    assert app.decode().count("/voila/static/voila.js") == 2  # the preload and the script itself


def test_a_closed_page_can_shut_its_kernel_down(server):
    """What the page's ``beforeunload`` beacon does: POST the kernel's shutdown with the ``_xsrf``
    cookie's value. The page must set that cookie, or the server refuses (403) and the kernel of a
    closed page stays in memory."""
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(server + "/voila/render/app.ipynb", timeout=120) as response:
        html = response.read()
    xsrf = {c.name: c.value for c in jar}.get("_xsrf")
    assert xsrf, "the page set no _xsrf cookie"
    config = re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    kernel = json.loads(config.group(1))["kernelId"]

    def shutdown(token: str) -> int:
        data = urllib.parse.urlencode({"_xsrf": token}).encode()
        try:
            with opener.open(f"{server}/voila/api/shutdown/{kernel}", data=data, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    assert shutdown("not-the-cookie") == 403  # the check is real: a wrong value is refused
    assert shutdown(xsrf) == 204
    assert shutdown(xsrf) == 404  # gone
