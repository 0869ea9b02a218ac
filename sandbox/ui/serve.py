"""How the training app is served: one Voila command line for ``bin/start``
(``python -m sandbox serve``) and the browser tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..i18n import label

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
# Our Voila template (``gfmis``: the lab template without links to a CDN) lives in the package.
TEMPLATES = Path(__file__).resolve().parent / "jupyter"

# No idle-kernel culling: Voila's culler also shuts down the pre-heated kernel waiting in the
# pool, and the next page that takes it never loads (tried with a 5 s timeout). A kernel of a
# closed page stays until the server restarts.


def voila_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "voila", str(NOTEBOOKS), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--template=gfmis", "--VoilaConfiguration.show_tracebacks=False",
        # The app notebook's kernel is started and run before a page asks for it: fast first
        # paint. Exercises, single screens, checks and the policy page start their kernel on request.
        "--preheat_kernel=True", "--pool_size=1",
        '--VoilaKernelManager.preheat_denylist=["scenarios/", "screens/", "checks/", "policy"]',
    ]


def voila_env(db: str | None = None) -> dict[str, str]:
    """The server's environment: our template on ``JUPYTER_PATH``; ``SANDBOX_DB`` a URL or an
    absolute path (kernels run in notebooks/, so a relative path would be another file)."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATES)] + [p for p in [env.get("JUPYTER_PATH")] if p])
    db = db or env.get("SANDBOX_DB") or str(ROOT / "var" / "sandbox.sqlite")
    env["SANDBOX_DB"] = db if "://" in db else str(Path(db).expanduser().resolve())
    return env


def serve(port: int, db: str | None = None) -> None:
    """Prepare the database (demo world on first start), then become the Voila server."""
    from .session import app_sandbox

    env = voila_env(db)
    app_sandbox(env["SANDBOX_DB"]).close()
    print(f"\n  {label('serve_banner')}")
    print(f"  Open: http://localhost:{port}/voila/render/app.ipynb")
    print(f"  (database: {env['SANDBOX_DB']}; stop with Ctrl+C)\n", flush=True)
    command = voila_command(port)
    os.execve(command[0], command, env)
