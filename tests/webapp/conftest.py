"""Fixtures for signing in: a client per role, and one that is not signed in.

``client`` (from ``tests.webapp.web_support``) is signed in as an administrator, who may
open every page. Use ``client_as("commissioner")`` for another role, ``anonymous`` for none.
"""

from __future__ import annotations

import pytest

from tests.webapp.auth_support import signed_in


@pytest.fixture
def client_as(app):
    """A factory: ``client_as(role)`` -> a test client signed in with that role."""
    return lambda role: signed_in(app, role)


@pytest.fixture
def anonymous(app):
    """A test client that has not signed in (and sends no CSRF token)."""
    return app.test_client()
