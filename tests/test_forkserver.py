"""Kernels forked from the warm fork server (sandbox/ui/forkserver.py): a real kernel, started
through jupyter_client with our provisioner, must behave as one started as a new process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from jupyter_client import KernelManager
from jupyter_client.provisioning import KernelProvisionerFactory

from sandbox.ui.forkserver import ForkProvisioner, ForkServer


@pytest.fixture()
def fork_kernels():
    factory = KernelProvisionerFactory.instance()
    before = factory.default_provisioner_name
    factory.default_provisioner_name = "gfmis-fork"
    started = []

    def start(**kwargs):
        km = KernelManager(kernel_name="python3")
        km.start_kernel(**kwargs)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        started.append((km, kc))
        return km, kc

    yield start
    for km, kc in started:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)
    factory.default_provisioner_name = before


def run(kc, code: str) -> str:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    kc.execute_interactive(code, timeout=60, output_hook=hook)
    return "".join(out)


def test_a_forked_kernel_is_a_kernel_of_its_own(fork_kernels, tmp_path):
    km, kc = fork_kernels(env={**os.environ, "GFMIS_PROBE": "one"}, cwd=str(tmp_path))
    assert isinstance(km.provisioner, ForkProvisioner)
    pid = km.provisioner.pid
    server = ForkServer._proc.pid
    text = run(kc, "import os, sys; print(os.getpid(), os.getppid(), os.environ.get('GFMIS_PROBE'), os.getcwd(),"
                   " 'sandbox.ui.app' in sys.modules, os.getsid(0) == os.getpid())")
    got_pid, parent, probe, cwd, preloaded, own_session = text.split()
    assert int(got_pid) == pid and int(parent) == server  # forked by the fork server, not started by us
    assert probe == "one" and Path(cwd) == tmp_path  # the launch's environment and folder
    assert preloaded == "True" and own_session == "True"

    # a second kernel: its own process, its own environment; the first kernel's state is not there
    km2, kc2 = fork_kernels(env={**os.environ, "GFMIS_PROBE": "two"})
    run(kc, "secret = 41")
    assert km2.provisioner.pid != pid
    assert run(kc2, "import os; print(os.environ.get('GFMIS_PROBE'), 'secret' in globals())").split() == ["two", "False"]


def test_widgets_work_in_a_forked_kernel(fork_kernels):
    """ipywidgets registers its comm targets on import only inside a kernel: the fork server
    imported it outside one, so the child registers them (else a page says «Loading widget…»)."""
    _km, kc = fork_kernels()
    kc.comm_info(target_name="jupyter.widget.control")
    reply = kc.get_shell_msg(timeout=30)
    assert reply["msg_type"] == "comm_info_reply" and reply["content"]["status"] == "ok"
    text = run(kc, "from ipykernel.comm import CommManager\nimport comm\n"
                   "print(sorted(t for t in comm.get_comm_manager().targets if t.startswith('jupyter.widget')))")
    assert "jupyter.widget.control" in text and "'jupyter.widget'" in text


def test_shutdown_and_kill_end_the_kernel(fork_kernels):
    km, _kc = fork_kernels()
    pid = km.provisioner.pid
    km.shutdown_kernel(now=False)
    assert not km.is_alive()
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]

    km2, _kc2 = fork_kernels()
    pid2 = km2.provisioner.pid
    km2.shutdown_kernel(now=True)  # SIGKILL to its process group
    for _ in range(50):
        if not Path(f"/proc/{pid2}").exists():
            break
        time.sleep(0.1)
    assert not Path(f"/proc/{pid2}").exists()


def test_the_fork_server_ends_with_its_server_and_kernels_follow(fork_kernels):
    km, _kc = fork_kernels()
    kernel = km.provisioner.pid
    server = ForkServer._proc
    server.stdin.close()  # what happens when the Voila process ends
    server.wait(timeout=30)
    for _ in range(100):  # ipykernel's parent poller notices within a second or so
        if not Path(f"/proc/{kernel}").exists():
            break
        time.sleep(0.1)
    assert not Path(f"/proc/{kernel}").exists()
    ForkServer._proc = None
    # the next kernel starts a new fork server
    km2, kc2 = fork_kernels()
    assert ForkServer._proc.pid != server.pid and run(kc2, "print(1 + 1)").strip() == "2"


def test_no_module_the_fork_server_imports_makes_a_widget():
    """A widget made at import would be made in the fork server, outside any kernel, and shared
    dead by every kernel forked from it (a page then fails to draw it)."""
    import subprocess
    import sys

    from sandbox.ui.forkserver import PRELOAD

    code = ("import importlib\n"
            f"for m in {list(PRELOAD)!r}: importlib.import_module(m)\n"
            "from ipywidgets.widgets.widget import _instances\n"
            "print(len(_instances))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "0"


def test_a_burst_of_output_is_queued_for_a_slow_reader_not_dropped(fork_kernels):
    """A page's first render sends hundreds of widget messages; with 30 kernels rendering at once
    the server reads them late. ZeroMQ's publisher dropped what went past its high-water mark
    (the end of the cell among it: Voila then waited for it and sent the page without its app).
    A forked kernel queues them instead: 5,000 messages while nobody reads, all arrive."""
    _km, kc = fork_kernels()
    msg_id = kc.execute("from IPython.display import display\nfor i in range(5000):\n    display('x' * 4000 + str(i))")
    time.sleep(3)  # the reader is busy elsewhere: nothing taken from the socket
    shown, idle = 0, False
    while not idle:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        shown += msg["msg_type"] == "display_data"
        idle = msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
    assert shown == 5000


def test_a_kernel_is_watched_whatever_its_descriptor_number():
    """A class server holds more than 1,024 descriptors; ``select`` refuses those numbered above
    (every kernel check failed with 40 trainees). ``readable`` uses ``poll``."""
    import resource
    import select
    import subprocess
    import sys

    from sandbox.ui.forkserver import readable

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1600:
        pytest.skip(f"this machine allows {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1600), hard))
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    pidfd = os.pidfd_open(child.pid)
    high = os.dup2(pidfd, 1500)
    try:
        with pytest.raises(ValueError):
            select.select([high], [], [], 0)  # what the watcher used to do
        assert readable(high, 0) is False  # alive
        child.kill()
        assert readable(high, 5) is True  # ended
    finally:
        child.kill()
        child.wait()
        os.close(high)
        os.close(pidfd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_server_raises_its_open_files_limit():
    """Run in a process of its own that starts at 1,024 open files, as many systems do."""
    import subprocess
    import sys

    code = ("import resource; s, h = resource.getrlimit(resource.RLIMIT_NOFILE);"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, s), h));"
            "from sandbox.ui.voila_app import open_files_limit;"
            "print(open_files_limit(), resource.getrlimit(resource.RLIMIT_NOFILE)[0], h)")
    now, soft, hard = (int(x) for x in subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                      check=True).stdout.split())
    assert now == soft == (4096 if hard < 0 or hard >= 4096 else hard)


def test_a_kernel_shut_down_under_its_running_cell_leaves_no_trace_in_the_log():
    """The one trace a server's shutdown left in its log (a pre-heated kernel still running its
    notebook when its sockets closed: the reply cannot be sent) is dropped from a forked
    kernel's log; any other error, a ZMQ one included, stays."""
    import errno
    import logging

    import zmq

    from sandbox.ui.forkserver import not_a_closed_socket

    def record(exc: BaseException | None) -> logging.LogRecord:
        info = (type(exc), exc, None) if exc is not None else None
        return logging.LogRecord("IPKernelApp", logging.ERROR, __file__, 1, "Exception in message handler:",
                                 None, info)

    assert not not_a_closed_socket(record(zmq.ZMQError(errno.ENOTSOCK)))
    assert not_a_closed_socket(record(zmq.ZMQError(errno.EAGAIN)))
    assert not_a_closed_socket(record(ValueError("a real failure")))
    assert not_a_closed_socket(record(None))


def test_a_kernel_asked_for_by_a_server_that_has_stopped_does_not_start(tmp_path):
    """A pool's kernel asked for just before a shutdown is forked after the server removed its
    connection file: it exits at once instead of making a connection file of its own (on TCP,
    for nobody), which the server's log showed as "Kernel is running over TCP"."""
    import sys

    gone = tmp_path / "kernel-gone.json"
    pid = ForkServer.fork([sys.executable, "-m", "ipykernel_launcher", "-f", str(gone)], dict(os.environ),
                          str(tmp_path))

    def running() -> bool:
        try:  # the fork server reaps its children; until then an ended one is a zombie ("Z")
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 30
    while running():
        assert time.monotonic() < deadline, "the kernel of a stopped server kept running"
        time.sleep(0.05)
    assert not gone.exists()
    here = tmp_path / "kernel-here.json"  # the same request with its file in place starts a kernel
    here.write_text("{}")
    from sandbox.ui.forkserver import connection_file_gone

    assert connection_file_gone(["-f", str(gone)]) and not connection_file_gone(["-f", str(here)])
    assert connection_file_gone([f"--IPKernelApp.connection_file={gone}"]) and not connection_file_gone([])
