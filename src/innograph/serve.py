"""Run the Oxigraph server (the ``oxigraph`` package from PyPI) on 127.0.0.1.

Two uses. :func:`start_server` starts a plain *writable* in-memory or on-disk server that ``push`` and the
tests load over HTTP. :func:`start_serving` is ``innograph serve``: the graph written to an on-disk store
(or the user's ``--store``, read as it is), a ``serve-read-only`` Oxigraph server on a private port behind
the guarded front of :mod:`innograph.guard` on the user's port. The front answers ``/`` itself with the
project's query page (:func:`query_page`: the prefixes, the catalogue with its defaults bound, a Run button
that posts to ``/query``), one self-contained HTML file that asks nothing of any other origin.

Whatever ends ``serve``, the Oxigraph server ends with it: Ctrl-C, SIGTERM and SIGHUP stop it cleanly;
on Linux the child also asks the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``), which
covers ``kill -9``. A temporary store left by a killed ``serve`` carries its owner's pid in its name and
is removed by the next ``serve`` once that process is gone.

A server counts as started only when *its own* process listens on the port (read from ``/proc``), so a
port held by another program is reported, never mistaken for ours.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import errno
import gc
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from innograph.atomic import pid_alive
from innograph.errors import EndpointError, InputError
from innograph.guard import Front, Policy, bind_front, own_port, start_front
from innograph.loader import KnowledgeGraph

TEMP_PREFIX = "innograph-serve-"
PR_SET_PDEATHSIG = 1
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).is_file():
        raise InputError("the Oxigraph server is not installed: pip install oxigraph")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def in_use(port: int) -> str:
    return f"127.0.0.1:{port} is in use by another program; choose another --port"


def port_is_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:PORT (a socket in TIME_WAIT does not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
        return True


# ------------------------------------------------------------------ the child process


def _die_with_parent():
    """A preexec_fn that makes the child get SIGKILL when the thread that started it dies (Linux), or None.
    Only from the main thread: a worker thread that ends would take the server with it."""
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, called after it
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl: nobody would stop us
            os._exit(1)

    return preexec


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def listens(pid: int, port: int) -> bool | None:
    """Whether process PID has a listening TCP socket on PORT; None where /proc cannot say."""
    table = Path(f"/proc/{pid}/net/tcp")
    if not table.exists():
        return None
    inodes = _socket_inodes(pid)
    for name in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/net/{name}").read_text().splitlines()[1:]:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port and inode in inodes:
                    return True
    return False


def _launch(command: list[str], port: int, timeout: float) -> subprocess.Popen:
    """Start an Oxigraph server on 127.0.0.1:PORT and wait until it is this process that listens there."""
    if not port_is_free(port):
        raise EndpointError(in_use(port))
    # Not a pipe for stderr: a pipe nobody reads would stall the server once full.
    with tempfile.TemporaryFile() as errors:
        # A session of its own: Ctrl-C in the terminal reaches innograph, which then stops the server.
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True, preexec_fn=_die_with_parent()
        )
        try:
            _wait_until_listening(process, port, timeout, errors)
        except BaseException:
            stop_server(process)
            raise
    return process


def _wait_until_listening(process: subprocess.Popen, port: int, timeout: float, errors) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()
            if any("in use" in line.lower() for line in message):
                raise EndpointError(in_use(port))
            last = message[-1] if message else process.returncode
            raise EndpointError(f"the Oxigraph server stopped at once: {last}")
        ours = listens(process.pid, port)
        if ours is None:  # no /proc: anything that answers, while our process lives, is taken for ours
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                ours = process.poll() is None
        if ours:
            return
        time.sleep(0.02)
    raise EndpointError(f"the Oxigraph server did not listen on 127.0.0.1:{port} within {timeout:g} s")


def start_server(port: int, location: Path | None = None, timeout: float = 20.0) -> subprocess.Popen:
    """Start a writable ``oxigraph serve`` on 127.0.0.1:PORT (union default graph, like the embedded engine),
    in memory or at ``location``, and wait until it answers. For ``push`` and the tests: no guard."""
    command = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    if location is not None:
        command += ["--location", str(location)]
    return _launch(command, port, timeout)


def stop_server(process: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 10.0) -> None:
    """Stop a process with ``sig``; kill it if it is still there after ``grace`` seconds."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------ temporary stores


def sweep_temp_stores(folder: Path | None = None) -> list[Path]:
    """Remove the temporary stores of ``serve`` processes that are gone (killed with SIGKILL, say)."""
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        found = re.match(rf"{TEMP_PREFIX}(\d+)-", path.name)
        with contextlib.suppress(OSError):
            if found and path.is_dir() and path.stat().st_uid == os.getuid() and not pid_alive(int(found.group(1))):
                shutil.rmtree(path)
                removed.append(path)
    return removed


def write_temp_store(kg: KnowledgeGraph) -> Path:
    """Copy the graph into a new on-disk store named after this process; closed when this returns."""
    location = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    try:
        store = ox.Store(str(location))
        store.bulk_extend(kg.store.quads_for_pattern(None, None, None, None))
        store.flush()
        del store
        gc.collect()  # the Oxigraph server opens it next: our handle must be closed (RocksDB's lock)
    except BaseException:
        shutil.rmtree(location, ignore_errors=True)
        raise
    return location


def snapshot_store(kg: KnowledgeGraph) -> Path:
    """A checkpoint of an on-disk store in a new folder named after this process: hard links to its files
    where the file system allows, so it takes moments whatever the store's size."""
    location = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    try:
        location.rmdir()  # the checkpoint creates the folder itself
        kg.store.backup(str(location))
    except BaseException:
        shutil.rmtree(location, ignore_errors=True)
        raise
    return location


# ------------------------------------------------------------------ the query page


def _script_json(value) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the strings hold."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_csp(script: str) -> str:
    """The query page's Content-Security-Policy: its one script (by hash), its styles, and requests to its
    own origin only (``/query``, ``/update``); nothing from anywhere else."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'"
    )


def catalogue_entries(kg: KnowledgeGraph) -> list[dict]:
    """The catalogue as the query page lists it: each query's text with its parameters' defaults bound (as
    ``innograph query NAME`` would run it), or as written, with a note, when a parameter has no default."""
    from innograph.catalog import catalogue
    from innograph.engines import OxigraphEngine
    from innograph.params import bind
    from innograph.query import resolve_params, with_prefixes

    engine = OxigraphEngine(kg)
    queries_dir = kg.project.queries_dir
    entries = []
    for name, query in (catalogue(queries_dir) if queries_dir.is_dir() else {}).items():
        text, _ = with_prefixes(query.text)
        note = ""
        try:
            text = bind(text, resolve_params(query, {}, engine))
        except Exception as error:  # a required parameter, a default that names nothing: the text as written
            required = [f"?{p.name}" for p in query.params if p.default is None]
            if required:
                note = f"{name}: give {', '.join(required)} a value (a VALUES block after WHERE {{) before running"
            else:
                note = f"{name}: parameters not bound: {(str(error).splitlines() or [''])[0]}"
        params = [f"{p.name} = {p.default}" if p.default is not None else f"{p.name} (required)" for p in query.params]
        entries.append(
            {"name": name, "title": query.title, "description": query.description, "params": params,
             "text": text, "note": note, "page_size": query.page_size}
        )  # fmt: skip
    return entries


def query_page(kg: KnowledgeGraph, writable: bool = False) -> tuple[bytes, str]:
    """The query page ``serve`` answers at ``/``: one self-contained HTML page (no CDN: it asks nothing of
    any other origin), and its Content-Security-Policy."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from innograph.namespaces import PREFIXES, sparql_prefixes

    script = (TEMPLATE_DIR / "query.js").read_text(encoding="utf-8")
    if "</" in script:
        raise AssertionError("query.js must not contain '</': it is inlined in a <script> element")
    csp = page_csp(script)
    entries = catalogue_entries(kg)
    data = {"prefixes": dict(PREFIXES), "queries": entries}
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    html = env.get_template("query.html").render(
        csp=csp,
        count=len(entries),
        writable=writable,
        prefixes=sparql_prefixes() + "\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n}\nLIMIT 20\n",
        data=Markup(_script_json(data)),
        script=Markup(script),
    )
    return html.encode("utf-8"), csp


# ------------------------------------------------------------------ innograph serve


def claim_port(port: int) -> Front:
    """Listen on the user's port before anything else starts: the check and the reservation at once."""
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port}: a port is a number from 1 to 65535")
    try:
        return bind_front(port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise EndpointError(in_use(port)) from None
        raise EndpointError(f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}") from None


@dataclass
class Serving:
    front: Front
    backend: subprocess.Popen
    port: int
    writable: bool
    temp: Path | None = None
    threads: list = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        """Stop the front and the Oxigraph server, and remove the temporary store."""
        with contextlib.suppress(Exception):
            self.front.shutdown()
        self.front.server_close()
        stop_server(self.backend)
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)


def start_serving(
    front: Front,
    kg: KnowledgeGraph,
    store: Path | None = None,
    writable: bool = False,
    allow_service: bool = False,
    timeout: float = 60.0,
) -> Serving:
    """Serve ``kg`` behind ``front`` from a temporary copy: a checkpoint of ``store`` when given, else the
    graph written into a new store. Writes (``writable``) change the copy only, and end with the server."""
    sweep_temp_stores()
    temp = None
    backend = None
    try:
        # Always a copy of its own: a store on disk is snapshotted (a RocksDB checkpoint: hard links, at once),
        # so that a later `innograph load --store` swapping the user's store cannot pull files from under the
        # server, and writes (--writable) never reach it.
        page, csp = query_page(kg, writable)
        temp = location = snapshot_store(kg) if store is not None else write_temp_store(kg)
        port = free_port()
        mode = ["serve"] if writable else ["serve-read-only"]
        command = [oxigraph_binary(), *mode, "--location", str(location), "--bind", f"127.0.0.1:{port}",
                   "--union-default-graph"]  # fmt: skip
        backend = _launch(command, port, timeout)
        policy = Policy(
            port=own_port(front), backend=port, writable=writable, allow_service=allow_service, page=page, page_csp=csp
        )
        serving = Serving(front, backend, policy.port, writable, temp)
        serving.threads.append(start_front(front, policy))
        return serving
    except BaseException:
        if backend is not None:
            stop_server(backend)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        raise
