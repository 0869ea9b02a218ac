"""Our Voila server (``python -m sandbox.ui.voila_app``, started by ``serve``): Voila 0.5 with
what a training room's network and a 2-core server need (issues 14 and 17).

- Responses are compressed: Tornado's ``compress_response`` for pages and API answers, and the
  static files (the JupyterLab and widget bundles, a few MB per page) compressed once at the
  best level and kept in memory, so a class of 40 loading the same files costs one compression,
  not forty. (Voila's ``--Voila.tornado_settings`` cannot do this: it is applied after Tornado
  has chosen its output transforms.)
- Static files whose name carries a content hash (``remoteEntry.1dda3c8f6e5cd2a3.js``, the light
  frontend's ``lite.<hash>.js`` among our template's static files) are cacheable for a year; the
  others are revalidated (``Last-Modified`` / 304).
- A page whose rendering fails (its kernel never answered, the template raised) ends with a
  message and the failure in the server's log. Voila renders in a task that feeds a queue and
  waits on the queue: when the task fails, the page streams keep-alives for ever and the browser
  never finishes loading it, with nothing in any log.
- The idle-kernel culler skips a kernel still starting: Jupyter Server reads its last activity
  before it has one and logs a ``TraitError`` traceback (seen in every class load).
- ``/voila/query/<kernel>`` — where a pre-heated kernel waits for its page's request, and the
  request can carry who the page is for — answers only the server's own machine (kernels run
  here); Voila leaves it open to anyone who knows a kernel id.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import mimetypes
import re
import threading

from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
from tornado import web
from traitlets import Dict, Int
from traitlets.config import Config
from voila.app import Voila
from voila.notebook_renderer import NotebookRenderer
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..i18n import label
from .serve import is_loopback

HASHED = re.compile(r"[./-][0-9a-f]{12,}\.(js|css|woff2?|ttf|svg|png|wasm)$")
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/wasm")
MIN_SIZE = 1024
YEAR = "public, max-age=31536000, immutable"


class _Gzipped:
    """Mixin for a ``StaticFileHandler``: serve the file gzip-compressed (from a cache of
    compressed files) when the browser accepts it; cache hashed names for a year."""

    _cache: dict[str, tuple[float, bytes]] = {}
    _lock = threading.Lock()
    _gz: bytes | None = None

    def _compressed(self, abspath: str) -> bytes | None:
        kind = mimetypes.guess_type(abspath)[0] or ""
        if not kind.startswith(COMPRESSIBLE) and not abspath.endswith((".js", ".mjs", ".css", ".json", ".map")):
            return None
        stat = self._stat()
        if stat.st_size < MIN_SIZE:
            return None
        with self._lock:
            hit = self._cache.get(abspath)
            if hit and hit[0] == stat.st_mtime:
                return hit[1]
        with open(abspath, "rb") as handle:
            data = gzip.compress(handle.read(), compresslevel=9, mtime=0)
        with self._lock:
            self._cache[abspath] = (stat.st_mtime, data)
        return data

    def validate_absolute_path(self, root, absolute_path):
        path = super().validate_absolute_path(root, absolute_path)
        self._gz = None
        if path and "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.absolute_path = path
            self._gz = self._compressed(path)
            if self._gz is not None:
                self.request.headers.pop("Range", None)  # a range of the compressed body makes no sense
        return path

    def get_content_size(self) -> int:
        return len(self._gz) if self._gz is not None else super().get_content_size()

    @classmethod
    def get_content_version(cls, abspath: str) -> str:
        # Tornado's reads the file through ``get_content``, an instance method here (it needs the request).
        with open(abspath, "rb") as handle:
            return hashlib.sha512(handle.read()).hexdigest()

    def get_content(self, abspath, start=None, end=None):
        if self._gz is not None:
            return self._gz
        return super().get_content(abspath, start, end)

    def set_extra_headers(self, path: str) -> None:
        super().set_extra_headers(path)
        if self._gz is not None:
            self.set_header("Content-Encoding", "gzip")

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED.search(self.request.path):
            self.set_header("Cache-Control", YEAR)


class GzipFileFindHandler(_Gzipped, FileFindHandler):
    pass


class GzipMultiStaticFileHandler(_Gzipped, MultiStaticFileHandler):
    pass


class GzipTemplateStaticFileHandler(_Gzipped, TemplateStaticFileHandler):
    """Our template's static files (the light frontend's bundle, lite.<hash>.js)."""


def _seen(future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: a page gone mid-message is nobody's error


class _ReadsFailedWrites:
    """Mixin for a Tornado websocket handler: a write to a socket closed meanwhile (a page
    navigated away, a kernel shut down) fails a future nobody reads, and asyncio then logs a
    ``WebSocketClosedError`` traceback in the server's log for each: noise that hides real errors."""

    def write_message(self, message, binary: bool = False):
        future = super().write_message(message, binary=binary)
        if future is not None:
            future.add_done_callback(_seen)
        return future


class LocalRequestInfoHandler(_ReadsFailedWrites, RequestInfoSocketHandler):
    """Voila's request-info websocket, for kernels on this machine only; failed writes read."""

    def open(self, *args, **kwargs):
        if not is_loopback(self.request.remote_ip or ""):
            raise web.HTTPError(403)
        return super().open(*args, **kwargs)

    def get(self, *args, **kwargs):
        if not is_loopback(self.request.remote_ip or ""):
            raise web.HTTPError(403)
        return super().get(*args, **kwargs)


class KernelSocket(_ReadsFailedWrites, VoilaKernelWebsocketHandler):
    """A page's kernel websocket; failed writes read (a page closed while its kernel sends)."""


class PageHandler(TornadoVoilaHandler):
    """A notebook's page sets the ``_xsrf`` cookie. On close, the page asks the server to shut its kernel
    down (a ``beforeunload`` beacon carrying that cookie's value); without the cookie the server answered
    403 and a closed page's kernel lived on until the culler, which one person's server does not run."""

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        return await super().get(path)


REPLACE = {FileFindHandler: GzipFileFindHandler, MultiStaticFileHandler: GzipMultiStaticFileHandler,
           TemplateStaticFileHandler: GzipTemplateStaticFileHandler,
           RequestInfoSocketHandler: LocalRequestInfoHandler, VoilaKernelWebsocketHandler: KernelSocket,
           TornadoVoilaHandler: PageHandler}


def _ends_when_failed(generate):
    """``NotebookRenderer.generate_content_generator`` that logs a failure and ends the page with
    a message instead of leaving Voila's handler waiting for a queue nobody feeds."""

    def generate_content_generator(self, *args, **kwargs):
        inner = generate(self, *args, **kwargs)

        async def guarded():
            try:
                async for item in inner:
                    yield item
            except Exception:
                self.log.exception("the page %s could not be rendered", self.notebook_path)
                text = " / ".join(html.escape(label("cls_page_failed", lang)) for lang in ("th", "en"))
                yield f"<div class='gf-page-failed' role='alert'>{text}</div></body></html>", {}

        return guarded()

    generate_content_generator.__wrapped__ = generate
    return generate_content_generator


def _skips_starting(cull):
    """``cull_kernel_if_idle`` that leaves alone a kernel with no activity yet (still starting)."""

    async def cull_kernel_if_idle(self, kernel_id):
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and kernel._trait_values.get("last_activity") is None:
            return None
        return await cull(self, kernel_id)

    cull_kernel_if_idle.__wrapped__ = cull
    return cull_kernel_if_idle


if not hasattr(MappingKernelManager.cull_kernel_if_idle, "__wrapped__"):
    MappingKernelManager.cull_kernel_if_idle = _skips_starting(MappingKernelManager.cull_kernel_if_idle)

if not hasattr(NotebookRenderer.generate_content_generator, "__wrapped__"):
    NotebookRenderer.generate_content_generator = _ends_when_failed(NotebookRenderer.generate_content_generator)


class GfmisVoila(Voila):
    kernel_pools = Dict(value_trait=Int(), config=True, help=(
        "Kernels kept pre-heated per notebook (``default``: every other one), from the command line "
        "as ``--GfmisVoila.kernel_pools=policy.ipynb=1``: Voila's kernel_pools_config takes a dict of "
        "dicts, which the command line gives only as one JSON value, deprecated in traitlets 5."))

    def parse_command_line(self, argv=None) -> None:
        super().parse_command_line(argv)
        if self.kernel_pools:
            pools = {name: {"pool_size": size} for name, size in self.kernel_pools.items()}
            self.update_config(Config({"VoilaKernelManager": {"kernel_pools_config": pools}}))

    def init_settings(self) -> dict:
        # Pages and API answers compressed; widget messages too (permessage-deflate).
        return {**super().init_settings(), "compress_response": True, "websocket_compression_options": {}}

    def init_handlers(self) -> list:
        out = []
        for spec in super().init_handlers():
            if isinstance(spec, tuple) and len(spec) >= 2 and spec[1] in REPLACE:
                spec = (spec[0], REPLACE[spec[1]], *spec[2:])
            out.append(spec)
        return out


OPEN_FILES = 4096  # Jupyter Server's own floor (min_open_files_limit); Voila sets none


def open_files_limit(floor: int = OPEN_FILES) -> int:
    """Raise this process's soft limit of open files to ``floor`` (as far as the hard limit
    allows): every kernel costs the server about 25 descriptors (its sockets, its page's
    websocket), and many systems start a process at 1,024. The limit now in force."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = floor if hard == resource.RLIM_INFINITY else min(floor, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft = want
    return soft


def main(argv=None):
    open_files_limit()
    return GfmisVoila.launch_instance(argv)

if __name__ == "__main__":
    main()
