"""Fixtures for the planning pages: the synthetic demo council (SSDA903 history, households,
children) in a store built once per test session, and signed-in clients for it.

Import into a test module: ``from tests.webapp.planning_support import demo_app, planner``.
Jobs run at once in the request (``JOB_WORKERS = 0``), so a POST returns a finished job.
"""

from __future__ import annotations

import pytest

from tests.webapp.auth_support import signed_in
from webapp import create_app

#: Children looked after in the demo council on its planning date (23 November 2026): the
#: store's children table and the SSDA903 returns agree on it.
DEMO_CHILDREN = 404


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('planning') / 'demo.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "DEMO": True, "JOB_WORKERS": 0})
    yield app
    app.extensions["planner.jobs"].shutdown()
    app.extensions["planner.store"].close()


@pytest.fixture
def planner(demo_app):
    """A commissioner's client: forecasts, scenarios and recruitment."""
    return signed_in(demo_app, "commissioner")


def job_id_from(response) -> str:
    """The job id a start request redirected to (``/jobs/<id>``)."""
    assert response.status_code == 302, response.data[:2000]
    location = response.headers["Location"]
    assert location.startswith("/jobs/")
    return location.rsplit("/", 1)[1]
