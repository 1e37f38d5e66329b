"""The production WSGI server for ``placement-planner serve``: waitress, with a pool of threads.

Waitress is pure Python (Linux and Windows alike, no compiler), has no dependencies, and
answers many connections with a fixed pool of threads, where Flask's development server
starts a thread per request and warns that it is not for production. This module only
builds and runs the server; the app comes from ``webapp.create_app``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

#: Threads answering requests at once by default (``serve --threads``).
DEFAULT_THREADS = 8


def make_server(app: Callable, host: str, port: int, *, threads: int = DEFAULT_THREADS):
    """A waitress server for ``app`` on ``host:port`` (port 0: any free port), not yet running.

    Parameters
    ----------
    threads : requests handled at once [threads]; more wait in the queue.

    Raises
    ------
    ValueError
        ``threads`` below 1.
    OSError
        The address cannot be used (e.g. the port is taken).
    """
    from waitress.server import create_server

    if threads < 1:
        raise ValueError(f"threads: {threads} is not a number of threads (expected 1 or more)")
    max_body = getattr(app, "config", {}).get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="placement-planner",
        max_request_body_size=int(max_body) + 1024 * 1024,  # the app answers 413 itself
        asyncore_use_poll=True,  # no select() limit on open connections
    )


def server_address(server) -> str:
    """``http://host:port/`` of a server made by ``make_server``."""
    return f"http://{server.effective_host}:{server.effective_port}/"


def serve(app: Callable, host: str, port: int, *, threads: int = DEFAULT_THREADS) -> None:
    """Run ``app`` until interrupted (Ctrl+C)."""
    server = make_server(app, host, port, threads=threads)
    log.info("serving on %s with %d threads", server_address(server), threads)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
