"""Web interface, JSON API, store and CLI: thin adapters over ``sufficiency`` and ``matching``.

``create_app(test_config)`` builds the Flask app (flaskr's factory): settings from
``webapp.settings``, one blueprint per area, the background job runner, and error handlers
that turn bad input into a 400 (on the form, or in the JSON error shape), never a 500.
"""

from __future__ import annotations

import importlib
import logging
import os
import tomllib
from pathlib import Path

from flask import Flask, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from sufficiency.errors import FieldError, InputDataError
from webapp import settings as settings_module

log = logging.getLogger(__name__)

#: Blueprint modules, in navigation order. Each exposes ``bp`` (a Blueprint) and may expose
#: ``NAVIGATION = (label, endpoint)`` for the service navigation bar. Add new areas here.
BLUEPRINT_MODULES: tuple[str, ...] = (
    "webapp.dashboard",
    "webapp.referrals",
    "webapp.households",
    "webapp.forecast",
    "webapp.scenarios",
    "webapp.recruitment",
    "webapp.jobs",
    "webapp.api",
    "webapp.api_planning",
    "webapp.auth",  # sign-in; enforces webapp.access.ACCESS (who may open each page)
)


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    """Build the app: defaults, then ``instance/settings.toml``, then ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings_module.defaults())
    settings_file = Path(app.instance_path) / "settings.toml"
    if test_config is None and settings_file.exists():
        with open(settings_file, "rb") as handle:
            app.config.update({k.upper(): v for k, v in tomllib.load(handle).items()})
    if test_config is not None:
        app.config.update(test_config)
    problems = settings_module.check(app.config)
    if problems:
        raise ValueError("; ".join(problems))
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'planner.sqlite3'}"
    app.config["AS_OF"] = settings_module.parse_as_of(app.config["AS_OF"])

    from webapp.cache import DataCache
    from webapp.jobs import JobRunner  # after config: the runner reads JOB_WORKERS

    app.extensions["planner.jobs"] = JobRunner(int(app.config["JOB_WORKERS"]))
    app.extensions["planner.cache"] = DataCache(int(app.config["DATA_CACHE_ENTRIES"]))
    app.extensions["planner.cache.ssda903"] = DataCache(
        min(4, int(app.config["DATA_CACHE_ENTRIES"]))
    )
    navigation = []
    for module_name in BLUEPRINT_MODULES:
        module = importlib.import_module(module_name)
        app.register_blueprint(module.bp)
        if hasattr(module, "NAVIGATION"):
            navigation.append(module.NAVIGATION)
    app.config["NAVIGATION"] = navigation
    _register_error_handlers(app)
    app.context_processor(_template_globals)
    app.add_template_filter(comma_list)
    if app.config["DEMO"]:
        from webapp.sources import open_store

        open_store(app)  # build the demo council now, not on the first visitor's request
    return app


def wants_json() -> bool:
    """True for API requests, which get the JSON error shape rather than an HTML page."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(errors: list[FieldError] | list[str], status: int = 400):
    """The one JSON error shape: ``{"ok": false, "status": 400, "errors": [...]}``."""
    items = [
        e.as_dict() if isinstance(e, FieldError) else {"field": None, "message": str(e)}
        for e in errors
    ]
    response = jsonify({"ok": False, "status": status, "errors": items})
    response.status_code = status
    return response


#: Error page headings in GOV.UK wording (others use the HTTP status name).
PAGE_TITLES = {404: "Page not found", 413: "The file is too large", 429: "Too many requests"}


def _register_error_handlers(app: Flask) -> None:
    from webapp.store import DecisionConflictError, DuplicateRecordError, UnknownRecordError

    @app.errorhandler(UnknownRecordError)
    def unknown_record(error: UnknownRecordError):
        message = f"There is no {error.table} with id {error.record_id!r}."
        if wants_json():
            return error_response([FieldError(error.table, None, "id", message)], 404)
        return render_template(
            "error.html", title="Page not found", message=message, errors=[], status=404
        ), 404

    @app.errorhandler(DecisionConflictError)
    @app.errorhandler(DuplicateRecordError)
    def conflict(error: Exception):
        if wants_json():
            return error_response([str(error)], 409)
        return render_template(
            "error.html", title="This could not be saved", message=str(error), errors=[], status=409
        ), 409

    @app.errorhandler(InputDataError)
    def input_error(error: InputDataError):
        if wants_json():
            return error_response(error.errors, 400)
        return render_template(
            "error.html", title="There is a problem with the input", errors=error.errors, status=400
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if wants_json():
            return error_response([error.description or error.name], error.code or 500)
        title = PAGE_TITLES.get(error.code or 500, error.name)
        return render_template(
            "error.html", title=title, message=error.description, errors=[], status=error.code
        ), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unexpected error on %s %s", request.method, request.path)
        message = "Sorry, there is a problem with the service. The error has been logged."
        if wants_json():
            return error_response([message], 500)
        return render_template(
            "error.html",
            title="Sorry, there is a problem with the service",
            message=message,
            errors=[],
            status=500,
        ), 500


def comma_list(value: object) -> str:
    """A list as "a, b, c" for a text box; text and nothing pass through."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(str(v) for v in value)  # type: ignore[union-attr]


def _template_globals() -> dict[str, object]:
    return {
        "navigation": current_app.config["NAVIGATION"],
        "phase_banner": current_app.config["PHASE_BANNER"],
        "service_name": "Placement planner",
        "council_name": council_name(),
    }


def council_name() -> str:
    """The council's name from settings, else the store; empty when neither knows it."""
    if current_app.config["COUNCIL_NAME"]:
        return str(current_app.config["COUNCIL_NAME"])
    try:
        return get_data().council_name
    except Exception:  # the header must render even when the store is unavailable
        log.exception("council name unavailable")
        return ""


def get_data():
    """This request's data source (``webapp.sources.DataSource``) over the configured store."""
    if "planner_data" not in g:
        from webapp.sources import open_data

        g.planner_data = open_data(current_app)
    return g.planner_data
