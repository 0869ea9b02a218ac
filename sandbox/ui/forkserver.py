"""Kernels forked from a warm process: fast and small kernel starts for a class (issue 14).

Every Voila page runs in a kernel of its own: a new Python process that imports ipykernel,
IPython, ipywidgets, SQLAlchemy and the app before it can draw anything — about a second of CPU
and 70 MB each. With 30 trainees arriving within a minute on a 2-core server, those starts alone
fill the machine. The fork server imports all of that once; each kernel is a ``fork()`` of it,
so it starts with every module in place, and the imported modules' memory stays shared between
kernels (copy-on-write) until a kernel writes to it.

- ``ForkProvisioner`` (a ``jupyter_client`` kernel provisioner, registered as ``gfmis-fork`` in
  ``pyproject.toml``) is what Voila uses to launch a kernel when ``serve`` asks for it. It
  prepares the launch exactly as the default ``LocalProvisioner`` does (connection file, ports,
  environment) and hands the command to the fork server instead of ``subprocess``.
- The fork server (``python -m sandbox.ui.forkserver``) is a child of the Voila process. It
  reads one JSON request per line on stdin (the kernel's command, environment and folder),
  forks, and answers the child's pid. The child becomes the kernel: a session of its own, the
  request's environment and folder, then ``IPKernelApp`` with the command's arguments — the
  same as ``python -m ipykernel_launcher`` would run. A command that is not the ipykernel
  launcher is ``exec``-ed unchanged.
- Lifetimes: when Voila ends, the fork server reads end-of-file and ends; a kernel's parent is
  the fork server (``JPY_PARENT_PID``), so ipykernel's parent poller ends the kernel too.
  The fork server never holds a thread, an event loop, a ZeroMQ context or a database
  connection, so nothing is forked half-open; it checks that it has one thread before each fork.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import traceback
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

# What a kernel of the app needs before it draws: imported once, shared by every kernel.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.comm",
    "IPython.core.interactiveshell", "ipywidgets", "comm",
    "sandbox.ui.app", "sandbox.ui.classmode", "sandbox.ui.guided", "sandbox.ui.trainer",
    "sandbox.scenario", "sandbox.classroom.classroom",
    # session.query_parameters asks voila.utils for the page's request; importing voila pulls in
    # jupyter_server, jsonschema and an RFC 3987 grammar compiled at import: 2-3 s of CPU a kernel.
    "voila.utils",
    # the Thai calendar's holidays: every country's module, 70-100 ms of CPU at a kernel's first save
    "holidays.countries",
)
LAUNCHER = ["-m", "ipykernel_launcher"]
WARM_EXERCISE = "sept-round-cx-basic"
AFTER_FORK = ["import ipywidgets", "ipywidgets.register_comm_target()"]
# Numeric libraries a page may import start thread pools; a kernel of a class needs one thread.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# ---------------------------------------------------------------------------- the fork server
def serve(requests, answers) -> None:
    """Answer fork requests until the Voila process closes our stdin."""
    for line in requests:
        try:
            request = json.loads(line)
            argv, env, cwd = list(request["argv"]), dict(request["env"]), request.get("cwd")
        except (ValueError, KeyError, TypeError) as exc:
            answers.write(json.dumps({"error": f"bad request: {exc}"}) + "\n")
            answers.flush()
            continue
        if len(os.listdir("/proc/self/task")) != 1:  # a thread would be lost in the child
            answers.write(json.dumps({"error": "the fork server has more than one thread"}) + "\n")
            answers.flush()
            continue
        pid = os.fork()
        if pid == 0:
            become_kernel(argv, env, cwd, answers.fileno())  # never returns
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()


def become_kernel(argv: list[str], env: dict[str, str], cwd: str | None, answers_fd: int = -1) -> None:
    """In the forked child: become the kernel the request describes, then exit."""
    code = 1
    try:
        os.setsid()  # a process group of its own: Voila signals the kernel's group
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if answers_fd > 2:
            os.close(answers_fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(2, 1)  # our stdout is the answers' pipe: the kernel writes to the server's log
        if cwd:
            os.chdir(cwd)
        env = {**env, **SINGLE_THREADED, "JPY_PARENT_PID": str(os.getppid())}
        if argv[1:3] != LAUNCHER:
            os.execve(argv[0], argv, env)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [argv[0], *argv[3:]]
        if connection_file_gone(argv[3:]):
            code = 0  # asked for by a server that has stopped since: no kernel for nobody
            return
        from ipykernel.kernelapp import launch_new_instance

        unbounded_iopub()
        logging.getLogger("IPKernelApp").addFilter(not_a_closed_socket)

        # ipykernel read JPY_PARENT_PID when the fork server imported it: say it again. ipywidgets
        # registers its comm targets on import only inside a running kernel: do it in this one.
        # (a list's items one by one: a whole list as one value is deprecated in traitlets 5)
        launch_new_instance(argv=[*argv[3:], f"--IPKernelApp.parent_handle={os.getppid()}",
                                  *(f"--IPKernelApp.exec_lines={line}" for line in AFTER_FORK)])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the kernel's last words go to the server's log
        traceback.print_exc()
    finally:
        sys.stdout.flush() if sys.stdout else None
        os._exit(code)


def connection_file_gone(args: list[str]) -> bool:
    """Whether the kernel's connection file (``-f PATH``) is gone. ``LocalProvisioner`` writes it
    before it asks for the kernel, and the server removes it as it stops: a pool's kernel asked
    for just before a shutdown is forked after it. Without the file ipykernel would make one of
    its own, on TCP ports, and run for nobody."""
    path = None
    for i, arg in enumerate(args):
        if arg == "-f" and i + 1 < len(args):
            path = args[i + 1]
        elif arg.startswith(("--f=", "--IPKernelApp.connection_file=")):
            path = arg.split("=", 1)[1]
    return path is not None and not os.path.exists(path)


def not_a_closed_socket(record: logging.LogRecord) -> bool:
    """The kernel's log without the one trace a shutdown leaves: a pre-heated kernel still runs
    its notebook, waiting for a page (``voila.utils.wait_for_request``), when the server stops;
    its sockets are closed under it, the wait ends, and the reply to the finished cell cannot be
    sent ("Socket operation on non-socket": a closed socket, which only a shutdown makes).
    Every other record passes."""
    import errno

    import zmq

    exc = record.exc_info[1] if record.exc_info else None
    return not (isinstance(exc, zmq.ZMQError) and exc.errno == errno.ENOTSOCK)


def unbounded_iopub() -> None:
    """The kernel's output channel queues what its reader has not taken yet instead of dropping
    it. ZeroMQ's publisher drops messages past its high-water mark (1,000): a page's first
    render sends several hundred widget messages, and when 30 kernels do so at once the server
    reads them late — the dropped ones included the end of the cell, Voila waited for it for
    ``iopub_timeout`` ("Timeout waiting for IOPub output") and sent the page without its app.
    The limit must be set before the socket binds (a listener copies the options it had then)."""
    import zmq
    from ipykernel.kernelapp import IPKernelApp

    init_iopub = IPKernelApp.init_iopub
    if getattr(init_iopub, "unbounded", False):
        return

    def unbounded(self, context):
        context.setsockopt(zmq.SNDHWM, 0)  # 0: no limit, for the sockets this context makes next
        init_iopub(self, context)

    unbounded.unbounded = True
    IPKernelApp.init_iopub = unbounded


def warm_caches(exercise: str = WARM_EXERCISE) -> None:
    """Build the app once here, on a throw-away sandbox with a guided exercise, so that every
    kernel starts with the lazy work done (the world and exercise files parsed, the validation
    models and SQL statements built, the catalogue read): a page's first open then costs a
    kernel a fraction of what it costs cold. Nothing of it stays open: the sandbox is closed,
    the widgets too (no kernel here: they never reached a page)."""
    import gc
    import tempfile

    import ipywidgets as w

    from sandbox.scenario import load_scenario
    from sandbox.ui.app import App
    from sandbox.ui.countdown import encode_all
    from sandbox.ui.guided import SCENARIO_DIRS
    from sandbox.ui.session import app_sandbox

    encode_all()  # the phone's countdowns (~8 ms each), shared with every kernel

    for path in sorted({p for folder in SCENARIO_DIRS for p in folder.glob("*.yaml")}):
        try:
            load_scenario(path)  # parsed once here for every kernel (scenario._read_cached)
        except Exception:  # noqa: BLE001 - a broken file is refused when a page opens it
            pass

    with tempfile.TemporaryDirectory(prefix="gfmis-warm-") as folder:
        sb = app_sandbox(os.path.join(folder, "warm.sqlite"))
        try:
            app = App(sb, running=False)
            app.start_guide(exercise, "practice")
            app.set_lang("en")
            app.set_lang("th")
        finally:
            sb.close()
    w.Widget.close_all()
    gc.collect()
    gc.freeze()  # what is here now stays shared with the kernels (the collector leaves it alone)


def main() -> None:
    os.environ.update(SINGLE_THREADED)
    for name in PRELOAD:
        importlib.import_module(name)
    try:
        warm_caches()
    except Exception:  # noqa: BLE001 - a colder start, never no start
        traceback.print_exc()
    # Kernels are reaped as they end (nobody waits for them here; Voila watches them by pidfd).
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches Voila, which closes our stdin
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    answers.write(json.dumps({"ready": os.getpid()}) + "\n")
    answers.flush()
    serve(sys.stdin, answers)


# ---------------------------------------------------------------- the Voila side: the provisioner
class ForkServer:
    """The fork server of this Voila process (started on first use, restarted if it died)."""

    _lock = threading.Lock()
    _proc: subprocess.Popen | None = None

    @classmethod
    def fork(cls, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        with cls._lock:
            proc = cls._proc
            if proc is None or proc.poll() is not None:
                proc = cls._proc = subprocess.Popen(
                    [sys.executable, "-m", "sandbox.ui.forkserver"], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, text=True, bufsize=1, close_fds=True)
                ready = json.loads(proc.stdout.readline() or "{}")
                if "ready" not in ready:
                    raise OSError("the fork server did not start")
            proc.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n")
            proc.stdin.flush()
            answer = json.loads(proc.stdout.readline() or "{}")
        if "pid" not in answer:
            raise OSError(answer.get("error", "the fork server did not answer"))
        return int(answer["pid"])


def readable(fd: int, timeout: float | None) -> bool:
    """Whether ``fd`` is readable within ``timeout`` seconds (``None``: wait). ``poll``, not
    ``select``: ``select`` refuses a descriptor numbered 1024 or more, and a class server with 40
    kernels holds more than a thousand (every kernel check then failed: 330 tracebacks a run)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(None if timeout is None else int(timeout * 1000)))


class ForkedProcess:
    """What ``LocalProvisioner`` expects of its ``Popen``, for a kernel forked by the fork
    server (not our child: watched through a pidfd, which no reused pid can fool)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd: int | None = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            if readable(self._fd, 0):  # ended (the fork server reaped it; its exit status is not ours to read)
                os.close(self._fd)
                self._fd, self.returncode = None, 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._fd is not None:
            readable(self._fd, timeout)
        code = self.poll()
        if code is None:
            raise subprocess.TimeoutExpired(str(self.pid), timeout)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._fd is not None:
            signal.pidfd_send_signal(self._fd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkProvisioner(LocalProvisioner):
    """``LocalProvisioner`` with the process forked from the warm fork server."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        env = kwargs.get("env") or dict(os.environ)
        cwd = kwargs.get("cwd")
        try:
            pid = await asyncio.get_running_loop().run_in_executor(
                None, ForkServer.fork, list(cmd), {k: str(v) for k, v in env.items()}, str(cwd) if cwd else None)
        except (OSError, ValueError) as exc:  # never leave a page without a kernel
            self.log.warning("fork server unavailable (%s): starting the kernel as a new process", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd or os.getcwd()
        return self.connection_info


if __name__ == "__main__":
    main()
