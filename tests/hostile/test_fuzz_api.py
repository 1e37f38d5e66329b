"""Schemathesis against the app's own OpenAPI document (/api/openapi.json), signed in with an
administrator's API token: no input may produce a 500, and every error uses the one JSON shape.

Bounded: ``MAX_EXAMPLES`` cases per operation (``FUZZ_EXAMPLES=200`` for a deeper run).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from tests.webapp.web_support import make_app  # noqa: E402
from webapp.sources import open_store  # noqa: E402
from webapp.users import add_user, create_token  # noqa: E402

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
_FOLDER = tempfile.TemporaryDirectory(prefix="fuzz-api-")
APP = make_app(Path(_FOLDER.name), ALLOCATION_TIME_LIMIT_S=1.0)
add_user(open_store(APP), "fuzz.admin", "administrator", "correct horse battery staple")
AUTH = {"Authorization": f"Bearer {create_token(open_store(APP), 'fuzz.admin', 'fuzzing')}"}
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP, headers=AUTH)


def errors_use_the_one_shape(ctx, response, case) -> None:
    """4xx answers are ``{"ok": false, "status": <code>, "errors": [...]}``."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert body["ok"] is False and body["status"] == response.status_code, body
        assert body["errors"] and all("message" in e for e in body["errors"]), body


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_survives_generated_requests(case) -> None:
    response = case.call(headers=AUTH)
    case.validate_response(response, checks=[not_a_server_error])
    errors_use_the_one_shape(None, response, case)
