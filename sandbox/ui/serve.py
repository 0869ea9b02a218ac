"""How the training app is served: one Voila command line for ``bin/start``
(``python -m sandbox serve``), a class (``serve --class NAME``) and the browser tests."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

from ..i18n import label

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
# Our Voila template (``gfmis``: the lab template without links to a CDN) lives in the package.
TEMPLATES = Path(__file__).resolve().parent / "jupyter"
CLASS_DB = ROOT / "var" / "classes.sqlite"
CLASS_ROOT = ROOT / "var" / "classes"

# One person: no idle-kernel culling. Voila's culler also shuts down the pre-heated kernel waiting
# in the pool when that kernel sits idle, and the next page that takes it never loads.
# A class: the app notebook waits for its request (``voila.utils.wait_for_request``, inside
# ``query_parameters``) before it opens anyone's sandbox, so a pooled kernel is busy, never idle,
# and is not culled; a closed page's kernel (no websocket, idle) is shut down after CULL_IDLE
# seconds (``cull_connected=False``: an open page is never culled, however long it sits idle).
CULL_IDLE = 120
CULL_INTERVAL = 30
PROVISIONER = "gfmis-fork"
IOPUB_TIMEOUT = 60
CLASS_POOL = 4  # kernels started ahead for a class (cheap: forked, see forkserver.py)
DENYLIST = ["scenarios/", "screens/", "checks/", "trainer"]
# The policy page: pre-heated for one person (its simulations run before anyone asks: usable in
# about half the time); not in a class, where nobody opens it and each kernel would be memory held.
POLICY = "policy.ipynb"
# Which frontend draws a page's widgets (issues 14 and 17): "lite" (ipywidgets' own widget manager,
# one script built from jupyter/lite/; the template's lite_frontend.html.j2) or "lab" (Voila's
# JupyterLab application, as before). The plotly pages (policy, trainer) always use "lab".
# Not given: the environment's SANDBOX_FRONTEND, then "lite" (the benchmarks' paired runs set it).
FRONTENDS = ("lite", "lab")


def frontend_of(frontend: str | None = None) -> str:
    chosen = frontend or os.environ.get("SANDBOX_FRONTEND") or FRONTENDS[0]
    if chosen not in FRONTENDS:
        raise ValueError(f"frontend {chosen!r}: one of {FRONTENDS}")
    return chosen


def is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def voila_command(port: int, *, ip: str = "127.0.0.1", class_mode: bool = False, pool_size: int = 1,
                  frontend: str | None = None) -> list[str]:
    frontend = frontend_of(frontend)
    denylist = DENYLIST + (["policy"] if class_mode else [])
    command = [
        sys.executable, "-m", "sandbox.ui.voila_app", str(NOTEBOOKS), "--no-browser", f"--port={port}", f"--Voila.ip={ip}",
        "--template=gfmis", "--VoilaConfiguration.show_tracebacks=False",
        # The app notebook's kernel is started and run before a page asks for it: fast first
        # paint. Exercises, single screens, checks, the policy and trainer pages start their kernel on request.
        "--preheat_kernel=True", f"--pool_size={pool_size}",
        "--VoilaKernelManager.preheat_denylist=" + "[" + ", ".join(f'"{d}"' for d in denylist) + "]",
        # Kernels are forked from a warm process (forkserver.py): a sixth of the CPU per start.
        f"--KernelProvisionerFactory.default_provisioner_name={PROVISIONER}",
        # A busy class server may deliver a page's widget messages later than Voila's default 4 s
        # after the cell ends; past the timeout the page is sent without its app (never drawn).
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
        # Kernels talk to the server over Unix sockets, not TCP ports: a TCP port is chosen by
        # binding port 0 and letting it go, and another process (a browser's connection) can take
        # it before the kernel binds it (seen once: a kernel's heartbeat "Address already in use",
        # and the server hung).
        "--KernelManager.transport=ipc",
        # read by the template (index.html.j2: resources.gfmis_frontend); a dict's items one by one
        # (key=value: a whole dict as one JSON value is deprecated in traitlets 5, and says so in the log)
        f"--VoilaConfiguration.resources=gfmis_frontend={frontend}",
    ]
    if not class_mode:  # one kernel ahead for the policy page, whatever the app's pool (voila_app.GfmisVoila)
        command += [f"--GfmisVoila.kernel_pools=default={pool_size}", f"--GfmisVoila.kernel_pools={POLICY}=1"]
    if class_mode:
        command += [
            "--Voila.identity_provider_class=sandbox.ui.signin.ClassIdentityProvider",
            f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
            f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
            "--MappingKernelManager.cull_connected=False",
            # who a page is for: a header the sign-in sets (signin.KEY_HEADER), handed to the kernel
            "--VoilaConfiguration.http_header_envs=X-Gfmis-Key",
        ]
    return command


def voila_env(db: str | None = None, *, class_name: str | None = None, class_db: str | None = None,
              class_root: str | None = None) -> dict[str, str]:
    """The server's environment: our template on ``JUPYTER_PATH``; ``SANDBOX_DB`` a URL or an
    absolute path (kernels run in notebooks/, so a relative path would be another file); in class
    mode the class's name, database and sandbox folder (absolute too)."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATES)] + [p for p in [env.get("JUPYTER_PATH")] if p])
    db = db or env.get("SANDBOX_DB") or str(ROOT / "var" / "sandbox.sqlite")
    env["SANDBOX_DB"] = _absolute(db)
    env.pop("SANDBOX_CLASS", None)
    if class_name:
        env["SANDBOX_CLASS"] = class_name
        env["SANDBOX_CLASS_DB"] = _absolute(class_db or env.get("SANDBOX_CLASS_DB") or str(CLASS_DB))
        env["SANDBOX_CLASS_ROOT"] = _absolute(class_root or env.get("SANDBOX_CLASS_ROOT") or str(CLASS_ROOT))
    return env


def _absolute(db: str) -> str:
    return db if "://" in db else str(Path(db).expanduser().resolve())


def serve(port: int, db: str | None = None, *, class_name: str | None = None, class_db: str | None = None,
          ip: str = "127.0.0.1", pool_size: int | None = None, class_root: str | None = None,
          frontend: str | None = None) -> None:
    """Prepare the database (demo world on first start) or check the class, then become the
    Voila server."""
    env = voila_env(db, class_name=class_name, class_db=class_db, class_root=class_root)
    host = "localhost" if is_loopback(ip) else ip
    if class_name:
        from ..classroom.classroom import Classroom

        room = Classroom(env["SANDBOX_CLASS_DB"], env["SANDBOX_CLASS_ROOT"])
        info = room.get_class(class_name)  # an unknown class: ClassError, one line from the CLI
        room.close()
        print(f"\n  {label('cls_serve_banner')}: {info.name} ({len(info.trainees)})")
        print(f"  Open: http://{host}:{port}/  ({label('cls_serve_signin', 'en')})")
        print(f"  (class database: {env['SANDBOX_CLASS_DB']}; stop with Ctrl+C)\n", flush=True)
        command = voila_command(port, ip=ip, class_mode=True, pool_size=pool_size or CLASS_POOL, frontend=frontend)
    else:
        from .session import app_sandbox

        app_sandbox(env["SANDBOX_DB"]).close()
        print(f"\n  {label('serve_banner')}")
        print(f"  Open: http://{host}:{port}/voila/render/app.ipynb")
        print(f"  (database: {env['SANDBOX_DB']}; stop with Ctrl+C)\n", flush=True)
        command = voila_command(port, ip=ip, pool_size=pool_size or 1, frontend=frontend)
    os.execve(command[0], command, env)
