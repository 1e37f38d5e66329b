"""Referrals blueprint: list, create and edit (sibling groups), shortlist, decision, allocation."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from matching.domain import HouseholdFeature, Need, PlacementKind, Referral, ReferralStatus
from sufficiency.domain import Sex
from sufficiency.errors import InputDataError
from webapp import get_data
from webapp.access import signed_in_user
from webapp.forms import parse_referral, referral_data_from_form, referral_to_data, splits_as_text
from webapp.maps import MapMarker, district_outlines, placement_map

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
NAVIGATION = ("Referrals", "referrals.index")
MAX_CHILDREN = 12


def form_options() -> dict[str, list[tuple[str, str]]]:
    """The choices the referral form offers, from the domain vocabularies."""
    return {
        "kinds": [(k.value, k.value.capitalize()) for k in PlacementKind],
        "sexes": [(s.value, s.value.capitalize()) for s in Sex],
        "needs": [(n.value, n.value.capitalize()) for n in Need],
        "wishes": [(w.value, w.value.capitalize()) for w in HouseholdFeature],
    }


def next_referral_id(referrals: list[Referral], year: int) -> str:
    """The next free id of the form ``R-<year>-<nnn>``."""
    used = {r.referral_id for r in referrals}
    number = 1
    while f"R-{year}-{number:03d}" in used:
        number += 1
    return f"R-{year}-{number:03d}"


@bp.get("/")
def index():
    """Open referrals first (oldest first), then the rest."""
    referrals = get_data().referrals()
    status = request.args.get("status", "open")
    shown = [r for r in referrals if status == "all" or r.status == status]
    return render_template(
        "referrals/index.html",
        title="Referrals",
        referrals=shown,
        status=status,
        counts={s.value: sum(r.status == s for r in referrals) for s in ReferralStatus},
    )


def _render_form(data: dict, *, referral_id: str | None, errors=(), status: int = 200):
    title = f"Edit referral {referral_id}" if referral_id else "New referral"
    data = dict(data, allowed_splits=splits_as_text(data.get("allowed_splits")))
    children = list(data.get("children") or [{}])
    return render_template(
        "referrals/form.html",
        title=title,
        data=data,
        children=children,
        referral_id=referral_id,
        errors=list(errors),
        options=form_options(),
        max_children=MAX_CHILDREN,
    ), status


def _save(referral_id: str | None):
    """Parse the posted form; add a child block, or save and go to the shortlist."""
    data = referral_data_from_form(request.form)
    action = request.form.get("action", "save")
    if action == "add-child" and len(data["children"]) < MAX_CHILDREN:
        data["children"].append({})
        return _render_form(data, referral_id=referral_id)
    if action.startswith("remove-child-") and len(data["children"]) > 1:
        index = int(action.rsplit("-", 1)[1]) if action.rsplit("-", 1)[1].isdigit() else -1
        if 0 <= index < len(data["children"]):
            data["children"].pop(index)
        return _render_form(data, referral_id=referral_id)
    source = get_data()
    new_id = (
        referral_id
        or request.form.get("referral_id", "").strip()
        or next_referral_id(source.referrals(), source.as_of.year)
    )
    try:
        referral = parse_referral(data, referral_id=new_id, source="referral", locate=source.locate)
    except InputDataError as error:
        data["referral_id"] = request.form.get("referral_id", "")
        return _render_form(data, referral_id=referral_id, errors=error.errors, status=400)
    if referral_id:
        source.store.update_referral(referral)
        flash(f"Referral {referral.referral_id} updated.")
    else:
        source.store.add_referral(referral)
        flash(f"Referral {referral.referral_id} created.")
    return redirect(url_for("referrals.show", referral_id=referral.referral_id))


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Create a referral for one child or a sibling group."""
    if request.method == "POST":
        return _save(None)
    as_of = get_data().as_of.isoformat()
    return _render_form(
        {"received_on": as_of, "start_date": as_of, "children": [{}]}, referral_id=None
    )


@bp.route("/<referral_id>/edit", methods=["GET", "POST"])
def edit(referral_id: str):
    """Change an open referral's details or children."""
    referral = get_data().referral(referral_id)
    if referral.status != ReferralStatus.OPEN:
        abort(
            409,
            description=f"Referral {referral_id} is {referral.status.value}: "
            "only open referrals can change.",
        )
    if request.method == "POST":
        return _save(referral_id)
    return _render_form(referral_to_data(referral), referral_id=referral_id)


def shortlist_map(referral: Referral, shortlist):
    """The shortlisted households numbered by rank, the child's home and the distance circle."""
    data = get_data()
    markers = []
    for entry in shortlist.entries:
        household = shortlist.context.household(entry.breakdown.household_id)
        point = data.locate(household.postcode)
        if point is not None:
            markers.append(
                MapMarker(
                    str(entry.rank),
                    f"{household.household_id} {household.name}",
                    point,
                    "household",
                    f"{entry.breakdown.miles_from_home:.1f} miles from home",
                )
            )
    outlines = ()
    if current_app.config["MAP_DISTRICT_OUTLINES"] and data.council_la_code:
        outlines = district_outlines(data.council_la_code)
    return placement_map(
        f"Shortlist for referral {referral.referral_id}",
        markers,
        home=data.locate(referral.home_postcode),
        radius_miles=data.policy.threshold_miles,
        outlines=outlines,
        description=f"Map of the {len(markers)} shortlisted households, numbered by rank, "
        f"around the child's home with a {data.policy.threshold_miles:g}-mile circle.",
    )


def render_referral(referral_id: str, *, errors=(), form=None, status: int = 200):
    """The referral, its shortlist with reasons, the 'not suitable' list and the decision form."""
    data = get_data()
    referral = data.referral(referral_id)
    shortlist = data.shortlist(referral) if referral.status == ReferralStatus.OPEN else None
    not_suitable_html = ""
    if shortlist is not None:  # 100+ rows of reasons: rendered once per data version
        not_suitable_html = data.cached(
            ("not-suitable-html", referral, data.as_of),
            lambda: Markup(
                render_template(
                    "referrals/_not_suitable.html",
                    shortlist=shortlist,
                    not_suitable=shortlist.not_suitable(),
                )
            ),
        )
    return render_template(
        "referrals/show.html",
        title=f"Referral {referral_id}",
        referral=referral,
        shortlist=shortlist,
        not_suitable_html=not_suitable_html,
        as_of=data.as_of,
        chart=shortlist_map(referral, shortlist) if shortlist and shortlist.entries else None,
        decisions=data.store.list_decisions(referral_id=referral_id),
        errors=list(errors),
        form=form or {},
        splits_text=splits_as_text(referral.allowed_splits).replace("\n", "; "),
        child_options=[(c.child_id, f"Child {c.child_id}") for c in referral.children],
    ), status


@bp.get("/<referral_id>")
def show(referral_id: str):
    return render_referral(referral_id)


@bp.post("/<referral_id>/decision")
def decide(referral_id: str):
    """Record the officer's decision; a missing reason or name is shown on the page (400)."""
    try:
        decision = record_decision(referral_id, request.form)
    except InputDataError as error:
        return render_referral(referral_id, errors=error.errors, form=request.form, status=400)
    flash(
        f"Decision recorded: referral {referral_id} placed with household {decision.household_id}."
    )
    return redirect(url_for("referrals.show", referral_id=referral_id))


def record_decision(referral_id: str, values):
    """Validate with ``matching.decisions.decide`` against a fresh shortlist, then store it."""
    from matching.decisions import decide as build_decision
    from webapp.store import ReferralClosedError

    data = get_data()
    referral = data.referral(referral_id)
    if referral.status != ReferralStatus.OPEN:
        raise ReferralClosedError(f"referral {referral_id} is {referral.status.value}, not open")
    shortlist = data.shortlist(referral)
    child_ids = (
        values.getlist("child_ids") if hasattr(values, "getlist") else values.get("child_ids")
    )
    decision = build_decision(
        shortlist,
        str(values.get("household_id") or ""),
        decided_by=decided_by(values),
        decided_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        reason=str(values.get("reason") or ""),
        child_ids=[c for c in (child_ids or []) if c] or None,
    )
    return data.store.record_decision(decision)


def decided_by(values) -> str:
    """Who decided: the signed-in user's name; the posted ``decided_by`` only without sign-in."""
    user = signed_in_user()
    return user.name if user is not None else str(values.get("decided_by") or "")


# The joint allocation pages (``referrals.allocate``, ``referrals.allocation_result``).
from webapp.referrals_allocation import start_allocation  # noqa: E402,F401
