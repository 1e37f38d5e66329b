"""Load test: 20 signed-in users at once on loopback, on the dashboard and shortlist pages.

Serves the app (synthetic demo council, sign-in, CSRF, audit trail all on) on 127.0.0.1 only,
under waitress as ``placement-planner serve`` does (``--server werkzeug`` for Flask's
development server instead; ``--threads`` for waitress's pool). Each user signs in through the
form, then alternates the dashboard and a referral's page (which ranks its shortlist and
writes two audit entries). Users pause ``--think-ms`` between pages (an officer reads each
page); a stress pass then repeats with no pause. Bounded: ``--requests`` per user and
``--time-limit`` seconds in all. The baseline, in the same run, is ONE user doing the same
pages one after another; the script prints p50/p95 latency, errors and the ratio of the
loaded p95 to the single-user p50. Target (issue 9): p95 under 200 ms with 20 users and no errors.

    python bench/load_test.py [--users 20] [--requests 25] [--time-limit 120] [--demo]
                              [--server waitress|werkzeug] [--threads 8]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import logging
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.store import Store  # noqa: E402
from webapp.users import add_user  # noqa: E402

PASSWORD = "load test password, synthetic"


def build_app(folder: Path, demo: bool, cache_entries: int = 256):
    """The app on a fresh store: the demo council, or the small web-test council."""
    url = f"sqlite:///{folder / 'load.sqlite3'}"
    store = Store(url)
    store.upgrade()
    if demo:
        from sufficiency.demo_council import build_demo_council

        store.load_demo(build_demo_council())
    else:
        from tests.webapp.web_support import fill

        fill(store)
    add_user(store, "load.officer", "placements-officer", PASSWORD)
    referrals = [r.referral_id for r in store.list_referrals(open_only=True)][:10]
    store.close()
    config = {"DATABASE_URL": url, "SECRET_KEY": "load-test-only", "SESSION_COOKIE_SECURE": False,
              "JOB_WORKERS": 1, "LOGIN_ATTEMPTS_LIMIT": 1000,
              "DATA_CACHE_ENTRIES": cache_entries}  # fmt: skip
    return create_app(config), referrals


class User:
    """One browser: its own cookies, signed in through the form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        return status, time.perf_counter() - started

    def sign_in(self) -> None:
        with self.opener.open(self.base + "/sign-in", timeout=30) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": "load.officer", "password": PASSWORD, "csrf_token": token}
        ).encode()
        with self.opener.open(self.base + "/sign-in", data=form, timeout=30) as response:
            if not response.url.endswith("/"):
                raise RuntimeError(f"sign-in failed: ended on {response.url}")


def run_users(
    base: str, pages: list[str], users: int, per_user: int, deadline: float, think_s: float = 0.0
):
    """Each user requests ``per_user`` pages (cycling ``pages``) until the deadline, pausing
    ``think_s`` (randomised +-50 %, seeded) between pages as a person reading them would."""
    import random

    rng = random.Random(9)
    pauses = [think_s * rng.uniform(0.5, 1.5) for _ in range(users * per_user)]
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    signed = [User(base) for _ in range(users)]
    for user in signed:
        user.sign_in()
    start = threading.Barrier(users)

    def work(number: int, user: User) -> None:
        start.wait()
        for i in range(per_user):
            if time.monotonic() > deadline:
                return
            page = pages[(number + i) % len(pages)]
            status, seconds = user.get(page)
            with lock:
                results.append((page, status, seconds))
            time.sleep(pauses[number * per_user + i])

    threads = [threading.Thread(target=work, args=(n, u)) for n, u in enumerate(signed)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(label: str, results) -> dict[str, float]:
    if not results:
        print(f"{label:<34} no requests (the time limit was reached first)")
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "max": float("nan"), "errors": 0}
    ms = [s * 1000 for _, status, s in results]
    errors = sum(1 for _, status, _ in results if status != 200)
    figures = {"n": len(ms), "p50": statistics.median(ms), "p95": percentile(ms, 0.95),
               "max": max(ms), "errors": errors}  # fmt: skip
    print(
        f"{label:<34} {figures['n']:>5} requests  p50 {figures['p50']:7.1f} ms  "
        f"p95 {figures['p95']:7.1f} ms  max {figures['max']:7.1f} ms  errors {errors}"
    )
    return figures


def start_server(app, kind: str, threads: int):
    """``(base URL, stop)`` for the app served on a free loopback port in a thread."""
    if kind == "werkzeug":
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        base, stop = f"http://127.0.0.1:{server.server_port}", server.shutdown
    else:
        from webapp import serving

        server = serving.make_server(app, "127.0.0.1", 0, threads=threads)
        thread = threading.Thread(target=server.run, daemon=True)
        base, stop = serving.server_address(server).rstrip("/"), server.close
    thread.start()

    def stop_and_join() -> None:
        stop()
        thread.join(5)

    return base, stop_and_join


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="requests per user")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds in all")
    parser.add_argument("--demo", action="store_true", help="the demo council (default: small)")
    parser.add_argument(
        "--think-ms", type=float, default=1000.0, help="pause between a user's pages [ms]"
    )
    parser.add_argument("--server", choices=("waitress", "werkzeug"), default="waitress")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--no-cache", action="store_true", help="DATA_CACHE_ENTRIES = 0")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # the stress pass queues
    deadline = time.monotonic() + args.time_limit
    with tempfile.TemporaryDirectory() as folder:
        app, referrals = build_app(Path(folder), args.demo, 0 if args.no_cache else 256)
        base, stop = start_server(app, args.server, args.threads)
        print(
            f"server: {args.server}"
            + (f", {args.threads} threads" if args.server == "waitress" else "")
            + (", data cache off" if args.no_cache else ", data cache on")
        )
        pages = ["/"] + [f"/referrals/{r}" for r in referrals]
        try:
            run_users(base, pages, 1, 3, deadline)  # warm caches (gazetteer, policy)
            print(f"{len(referrals)} open referrals; pages: dashboard and referral shortlists")
            single = report(
                "baseline: 1 user, one at a time", run_users(base, pages, 1, 40, deadline)
            )
            loaded = run_users(
                base, pages, args.users, args.requests, deadline, args.think_ms / 1000
            )
            figures = report(f"{args.users} users, {args.think_ms:g} ms thinking", loaded)
            report("  dashboard only", [r for r in loaded if r[0] == "/"])
            report("  referral + shortlist only", [r for r in loaded if r[0] != "/"])
            stress = run_users(base, pages, args.users, args.requests, deadline)
            report(f"stress: {args.users} users, no thinking", stress)
        finally:
            stop()
            app.extensions["planner.jobs"].shutdown()
            if "planner.store" in app.extensions:
                app.extensions["planner.store"].close()
    print(f"ratio p95 ({args.users} users) / p50 (1 user): {figures['p95'] / single['p50']:.1f}")
    ok = figures["errors"] == 0 and figures["p95"] < 200
    print("target p95 < 200 ms and no errors:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
