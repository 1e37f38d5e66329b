"""``placement-planner serve`` runs the app under waitress: a real server on loopback."""

from __future__ import annotations

import threading
import urllib.request

import pytest

from tests.webapp.web_support import app  # noqa: F401 - fixture
from webapp import serving


def test_waitress_serves_the_app_with_its_threads(app) -> None:  # noqa: F811
    server = serving.make_server(app, "127.0.0.1", 0, threads=3)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        address = serving.server_address(server)
        assert address.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(address + "sign-in", timeout=10) as response:
            page = response.read().decode()
            assert response.status == 200 and response.headers["Server"] == "placement-planner"
        assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
        assert server.adj.threads == 3
    finally:
        server.close()
        thread.join(5)


def test_a_pool_needs_at_least_one_thread(app) -> None:  # noqa: F811
    with pytest.raises(ValueError, match="threads: 0 is not a number of threads"):
        serving.make_server(app, "127.0.0.1", 0, threads=0)
