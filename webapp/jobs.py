"""Background jobs: long forecasts and allocations run in a thread pool while the page polls.

A job is a function ``fn(progress) -> result``; it gets everything it needs as arguments
(it runs outside the request, so no store or ``flask.g``). ``progress(done, total, message)``
updates the bar. Jobs live in memory in this process: a restart forgets them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, url_for

from sufficiency.errors import FieldError, InputDataError

log = logging.getLogger(__name__)

Progress = Callable[..., None]
#: Finished jobs kept for their result pages; the oldest are forgotten first.
KEEP_FINISHED = 200


@dataclass
class Job:
    """One background task and how far it has got (mutable; updated under the runner's lock)."""

    job_id: str
    kind: str  # e.g. "allocation", "forecast"
    title: str  # shown on the progress page, e.g. "Joint allocation of 12 open referrals"
    result_endpoint: str  # Flask endpoint taking ``job_id`` that shows the result
    status: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    message: str = "Waiting to start"
    result: object = None
    errors: list[FieldError | str] = field(default_factory=list)
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished_at: dt.datetime | None = None

    @property
    def percent(self) -> int:
        """Whole per cent done (100 once finished, 0 before the total is known)."""
        if self.status in ("done", "failed"):
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def as_dict(self) -> dict[str, object]:
        """JSON view for polling (the result itself is served by the result endpoint)."""
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "message": self.message,
            "errors": [
                e.as_dict() if isinstance(e, FieldError) else {"field": None, "message": str(e)}
                for e in self.errors
            ],
            "status_url": url_for("jobs.status", job_id=self.job_id),
            "page_url": url_for("jobs.show", job_id=self.job_id),
            "result_url": url_for(self.result_endpoint, job_id=self.job_id)
            if self.status == "done"
            else None,
        }


class JobRunner:
    """Runs jobs on ``workers`` threads; ``workers=0`` runs each job at once, in the caller."""

    def __init__(self, workers: int = 2) -> None:
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._pool = (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job") if workers else None
        )

    def submit(
        self, kind: str, title: str, fn: Callable[[Progress], object], *, result_endpoint: str
    ) -> Job:
        """Queue ``fn(progress)``; returns the job at once (finished already when workers=0)."""
        job = Job(
            job_id=uuid.uuid4().hex[:12], kind=kind, title=title, result_endpoint=result_endpoint
        )
        with self._lock:
            self._jobs[job.job_id] = job
            self._forget_old()
        if self._pool is None:
            self._run(job, fn)
        else:
            self._pool.submit(self._run, job, fn)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """All remembered jobs, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, fn: Callable[[Progress], object]) -> None:
        def progress(done: int, total: int, message: str = "") -> None:
            with self._lock:
                job.done, job.total = int(done), int(total)
                job.message = message or job.message

        with self._lock:
            job.status, job.message = "running", "Started"
        try:
            result = fn(progress)
        except InputDataError as error:
            self._finish(job, "failed", errors=list(error.errors), message="The input has problems")
        except Exception:  # a bug in an engine: log it, show a plain message, keep the app up
            log.exception("job %s (%s) failed", job.job_id, job.kind)
            self._finish(
                job,
                "failed",
                errors=[
                    "The job stopped because of an error in the service. The error has been logged."
                ],
                message="Failed",
            )
        else:
            self._finish(job, "done", result=result, message="Finished")

    def _finish(
        self,
        job: Job,
        status: str,
        *,
        result: object = None,
        errors: list | None = None,
        message: str,
    ) -> None:
        with self._lock:
            job.status, job.result, job.errors = status, result, errors or []
            job.message, job.finished_at = message, dt.datetime.now(dt.UTC)

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.finished]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[key]


def get_runner() -> JobRunner:
    """The app's job runner (created by ``create_app``)."""
    return current_app.extensions["planner.jobs"]


def get_job_or_404(job_id: str, kind: str | None = None) -> Job:
    """A remembered job (of ``kind``, when given), or a 404."""
    job = get_runner().get(job_id)
    if job is None or (kind is not None and job.kind != kind):
        abort(
            404,
            description=f"There is no job {job_id!r}: it may have finished before the "
            "service restarted. Start it again.",
        )
    return job


bp = Blueprint("jobs", __name__)


@bp.get("/jobs/<job_id>")
def show(job_id: str):
    """Progress page (refreshes itself without JavaScript); the result page once done."""
    job = get_job_or_404(job_id)
    if job.status == "done":
        return redirect(url_for(job.result_endpoint, job_id=job.job_id))
    status = (
        400
        if job.status == "failed" and any(isinstance(e, FieldError) for e in job.errors)
        else 200
    )
    return render_template(
        "jobs/show.html",
        job=job,
        title=job.title,
        poll_seconds=current_app.config["JOB_POLL_SECONDS"],
    ), status


@bp.get("/api/jobs/<job_id>")
def status(job_id: str):
    """A job's progress as JSON, for the page's script and API clients."""
    return jsonify({"ok": True, "job": get_job_or_404(job_id).as_dict()})
