"""Row-level checks of SSDA903 header, episode and UASC rows against the DfE code lists.

Each check returns ``FieldError``s naming the file, row, field and the DfE validation rule
broken (numbers as in the DfE 903 validator). Cross-row cleaning (duplicates, overlaps)
is not here: it lives in ``sufficiency.stitch``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from sufficiency.errors import FieldError
from sufficiency.placement_codes import PLACEMENT_CODES, PROVIDER_CODES

#: Reason for new episode (RNE) codes.
RNE_CODES = frozenset({"S", "P", "L", "T", "U", "B"})
#: Legal status (LS) codes.
LS_CODES = frozenset({"C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"})
#: Category of need (CIN) codes: N1 abuse or neglect, N2 child's disability ... N8.
CIN_CODES = frozenset({f"N{i}" for i in range(1, 9)})
#: Reason episode ceased (REC) codes; X1 means a new episode follows without a break.
REC_CODES = frozenset(
    {
        "E11",
        "E12",
        "E2",
        "E3",
        "E4A",
        "E4B",
        "E13",
        "E41",
        "E45",
        "E46",
        "E47",
        "E48",
        "E5",
        "E6",
        "E7",
        "E8",
        "E9",
        "E14",
        "E15",
        "E16",
        "E17",
        "X1",
    }
)
SEX_CODES = frozenset({"1", "2"})

#: The rule each check enforces: DfE 903 validation rule numbers where the rule has one in
#: the DfE validator, otherwise the 903 specification's requirement in words.
RULES: dict[str, str] = {
    "sex": "903 specification: SEX must be 1 (male) or 2 (female)",
    "dob": "DfE rule 102: date of birth is not a valid date",
    "decom": "903 specification: DECOM (date episode began) must be a valid date",
    "rne": "DfE rule 143: reason for new episode code is not valid",
    "ls": "DfE rule 144: legal status code is not valid",
    "cin": "DfE rule 145: category of need code is not valid",
    "place": "DfE rule 146: placement type code is not valid",
    "provider": "903 specification: PLACE_PROVIDER must be one of PR0-PR5",
    "rec": "DfE rule 149: reason episode ceased code is not valid",
    "dec_rec": "903 specification: DEC and REC are both present or both blank",
    "dec": "903 specification: DEC (date episode ceased) must be a valid date",
    "dec_order": "903 specification: an episode cannot cease before it began",
    "before_birth": "903 specification: an episode cannot start before the date of birth",
    "duc": "903 specification: DUC (date UASC status ceased) must be a valid date",
    "mc_dob": (
        "903 specification: MC_DOB (date of birth of the mother's child) must be a valid date"
    ),
    "child": "903 specification: CHILD (the child's id) must be present",
    "no_header": "DfE rule EPI: every child with episodes needs a header row",
}

CODE_LISTS = {
    "PLACE": "a PLACE code from the 903 code list (e.g. U4, K2, P1)",
    "PLACE_PROVIDER": "one of PR0, PR1, PR2, PR3, PR4, PR5",
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """A 903 date, ``dd/mm/yyyy`` or ISO; ``None`` if blank; ``ValueError`` if not a date."""
    text = text.strip()
    if not text:
        return None
    if match := _UK.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    return dt.date(year, month, day)


def code(text: str) -> str:
    """Codes compare upper-case without surrounding spaces (``"u4 "`` is ``"U4"``)."""
    return text.strip().upper()


def flag(text: str) -> bool:
    """A 0/1 flag as councils export it (``"1"``, ``"1.0"``, ``"Y"`` are true)."""
    return code(text) in {"1", "1.0", "Y", "YES", "TRUE"}


class RowChecker:
    """Collects the errors of one file's rows; ``source`` is the file name shown to users."""

    def __init__(self, source: str):
        self.source = source
        self.errors: list[FieldError] = []

    def fail(
        self, row: int, field: str, problem: str, actual: str, expected: str, rule: str
    ) -> None:
        self.errors.append(
            FieldError(
                self.source, row, field, problem, expected=expected, actual=actual, rule=RULES[rule]
            )
        )

    def date(self, row: int, field: str, text: str, rule: str, required: bool) -> dt.date | None:
        try:
            value = parse_date(text)
        except ValueError:
            self.fail(row, field, "is not a valid date", text, "dd/mm/yyyy or yyyy-mm-dd", rule)
            return None
        if value is None and required:
            self.fail(row, field, "is required", text, "dd/mm/yyyy or yyyy-mm-dd", rule)
        return value

    def member(
        self,
        row: int,
        field: str,
        text: str,
        allowed: frozenset[str] | Callable[[str], bool],
        rule: str,
        required: bool = True,
    ) -> str:
        value = code(text)
        if not value and not required:
            return value
        ok = allowed(value) if callable(allowed) else value in allowed
        if not ok:
            shown = sorted(allowed) if not callable(allowed) else []
            expected = (
                "one of " + ", ".join(shown) if shown else CODE_LISTS.get(field, "a valid code")
            )
            self.fail(
                row, field, "is not a valid code" if value else "is required", text, expected, rule
            )
        return value


def valid_place(value: str) -> bool:
    return value in PLACEMENT_CODES


def valid_provider(value: str) -> bool:
    return value in PROVIDER_CODES


def check_place_in_use(checker: RowChecker, row: int, place: str, started: dt.date | None) -> None:
    """PLACE codes retired or introduced in 2025/26 must match the episode's start date."""
    entry = PLACEMENT_CODES.get(place)
    if entry is None or started is None or entry.in_use_on(started):
        return
    when = (
        f"from {entry.valid_from.strftime('%d/%m/%Y')}"
        if entry.valid_from
        else f"until {entry.valid_until.strftime('%d/%m/%Y')}"
    )
    checker.fail(
        row,
        "PLACE",
        f"was not in use on the episode's start date {started.strftime('%d/%m/%Y')}",
        place,
        f"a code valid then ({place} is valid {when})",
        "place",
    )
