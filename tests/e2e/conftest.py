"""Browser-test fixtures: Debian's Chromium (installed if missing), the app on a free port.

Never downloads a Playwright browser. ``/usr/bin/chromium`` is installed with apt when it is
missing and we are root; in CI (``CI=true``) failing to get it fails the run, elsewhere the
browser tests are skipped. Screenshots go to ``tests/artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.webapp.web_support import make_app
from webapp.serving import make_server, server_address

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
#: The live server's administrator (synthetic; this password exists only in tests).
E2E_USER, E2E_PASSWORD = "e2e.admin", "correct horse battery staple"
LIVE_APP = None  # the live server's app, for tests that add users to its store


def _install_chromium() -> str:
    """Install Debian's chromium with apt; returns why it could not, or ''."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "/usr/bin/chromium is missing and apt-get cannot run here (not root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}"
    return (
        "" if CHROMIUM.exists() else "apt-get installed chromium but /usr/bin/chromium is missing"
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        problem = _install_chromium()
        if problem:
            if os.environ.get("CI") == "true":
                pytest.fail(f"browser tests need Debian's Chromium: {problem}")
            pytest.skip(f"browser tests skipped: {problem}")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with the synthetic council, served on 127.0.0.1 on a free port in a thread."""
    app = make_app(
        tmp_path_factory.mktemp("e2e"),
        JOB_WORKERS=4,  # a job stuck behind another must not time a later test out
        JOB_POLL_SECONDS=1,
        SESSION_COOKIE_SECURE=False,  # plain HTTP on loopback
    )
    from webapp.sources import open_store
    from webapp.users import add_user

    add_user(open_store(app), E2E_USER, "administrator", E2E_PASSWORD, "Test administrator")
    global LIVE_APP
    LIVE_APP = app
    server = make_server(app, "127.0.0.1", 0, threads=4)  # waitress, as `serve` runs it
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server_address(server).rstrip("/")
    server.close()
    thread.join(5)
    app.extensions["planner.jobs"].shutdown()
    if "planner.store" in app.extensions:
        app.extensions["planner.store"].close()


@pytest.fixture(scope="session")
def chromium(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium, live_server):
    """A fresh browser tab; requests to any other host are blocked (the app must be offline)."""
    context = chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.route(
        lambda url: not url.startswith(live_server),
        lambda route: route.abort(),
    )
    page = context.new_page()
    sign_in(page)
    yield page
    context.close()


def sign_in(page, username: str = "", password: str = "") -> None:
    """Sign in through the sign-in page (the administrator by default: every page)."""
    page.goto("/sign-in")
    page.get_by_label("User name").fill(username or E2E_USER)
    page.get_by_label("Password").fill(password or E2E_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def snapshot(page, name: str) -> Path:
    """Save a full-page screenshot for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.x A/AA violations on the page, one line each."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [json.dumps(node["target"]) for node in violation["nodes"][:3]]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
            )
    return found
