# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""Background jobs: progress, results, failures, and the progress page without JavaScript."""

from __future__ import annotations

import threading

from sufficiency.errors import FieldError, InputDataError
from tests.webapp.web_support import app, client  # noqa: F401
from webapp.jobs import JobRunner


def test_job_reports_progress_then_result() -> None:
    runner = JobRunner(workers=1)
    release = threading.Event()
    reached = threading.Event()

    def work(progress):
        progress(1, 4, "first quarter")
        reached.set()
        release.wait(5)
        return 42

    job = runner.submit("test", "A test job", work, result_endpoint="dashboard.index")
    assert reached.wait(5)
    assert (job.status, job.percent, job.message) == ("running", 25, "first quarter")
    release.set()
    runner.shutdown()
    assert (job.status, job.result, job.percent) == ("done", 42, 100)


def test_input_errors_fail_the_job_with_their_messages() -> None:
    runner = JobRunner(workers=0)

    def work(progress):
        raise InputDataError([FieldError("scenario", None, "runs", "must be positive")])

    job = runner.submit("test", "Bad", work, result_endpoint="dashboard.index")
    assert job.status == "failed"
    assert [str(e) for e in job.errors] == ['scenario, field "runs": must be positive']


def test_a_bug_fails_the_job_without_leaking_details() -> None:
    runner = JobRunner(workers=0)
    job = runner.submit("test", "Bug", lambda progress: 1 / 0, result_endpoint="dashboard.index")
    assert job.status == "failed"
    assert job.errors == [
        "The job stopped because of an error in the service. The error has been logged."
    ]


def test_progress_page_refreshes_without_javascript(app, client) -> None:
    release = threading.Event()
    runner = JobRunner(workers=1)
    app.extensions["planner.jobs"] = runner

    def work(progress):
        progress(3, 10, "Searching")
        release.wait(5)
        return None

    job = runner.submit("test", "Slow job", work, result_endpoint="dashboard.index")
    page = client.get(f"/jobs/{job.job_id}").data.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "<progress" in page
    status = client.get(f"/api/jobs/{job.job_id}").json["job"]
    assert status["status"] in ("queued", "running")
    release.set()
    runner.shutdown()
    done = client.get(f"/jobs/{job.job_id}")
    assert done.status_code == 302 and done.headers["Location"] == f"/?job_id={job.job_id}"


def test_failed_job_page_lists_the_problems(app, client) -> None:
    def work(progress):
        raise InputDataError([FieldError("scenario", None, "runs", "must be positive")])

    job = app.extensions["planner.jobs"].submit(
        "test", "Bad job", work, result_endpoint="dashboard.index"
    )
    response = client.get(f"/jobs/{job.job_id}")
    assert response.status_code == 400
    assert "scenario, field &#34;runs&#34;: must be positive" in response.data.decode()
