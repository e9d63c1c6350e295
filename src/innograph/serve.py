"""Serve the knowledge graph over SPARQL: start the Oxigraph server (the ``oxigraph`` package from PyPI)
on 127.0.0.1, push the graph into it with its named graphs, and stop cleanly on Ctrl-C."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from innograph.errors import EndpointError, InputError


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).is_file():
        raise InputError("the Oxigraph server is not installed: pip install oxigraph")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, location: Path | None = None, timeout: float = 20.0) -> subprocess.Popen:
    """Start ``oxigraph serve`` on 127.0.0.1:PORT (union default graph, like the embedded engine) and wait
    until it answers."""
    command = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    if location is not None:
        command += ["--location", str(location)]
    # A session of its own: Ctrl-C in the terminal reaches innograph, which then stops the server.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            message = (process.stderr.read() or b"").decode("utf-8", "replace").strip().splitlines()
            raise EndpointError(
                f"the Oxigraph server stopped at once: {message[-1] if message else process.returncode}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise EndpointError(f"the Oxigraph server did not listen on 127.0.0.1:{port} within {timeout:g} s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
