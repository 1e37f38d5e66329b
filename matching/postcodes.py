"""UK postcode text: normalising unit postcodes, sectors and districts, and masking them for logs.

Pure string handling with the two postcode errors; no look-up (that is ``matching.geo``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sufficiency.errors import FieldError

_OUTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_POSTCODE_RE = re.compile(rf"({_OUTCODE})([0-9][A-Z]{{2}})")
_OUTCODE_RE = re.compile(_OUTCODE)
_SECTOR_RE = re.compile(rf"({_OUTCODE})([0-9])")
_EXAMPLE = (
    'e.g. "AB1 2CD" or "SW1A 1AA": an outward code of 2-4 characters, a space, then a digit '
    "and two letters"
)


class PostcodeFormatError(ValueError):
    """Text that is not shaped like a UK postcode (a typing error, not a missing postcode)."""


class UnknownPostcodeError(ValueError):
    """A well-formed postcode whose unit, sector and district are all absent from the data."""


def _squash(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise PostcodeFormatError(f"a {what} must be text, not {type(text).__name__} ({_EXAMPLE})")
    return "".join(text.split()).upper()


def mask_postcode(text: str) -> str:
    """Hide the inward code of a postcode for logs and messages ("HA1 2JG" -> "HA1 ***").

    Text of four characters or fewer ("AB1", "N17") is at most an outward code, which
    identifies no address, so it is shown as typed: the user needs to see the mistake.
    """
    squashed = "".join(str(text).split()).upper()
    if len(squashed) <= 4:
        return squashed
    return f"{squashed[:-3]} ***"


def normalise_postcode(text: str) -> str:
    """Standard form of a full UK unit postcode: upper case, one space ("ha12jg" -> "HA1 2JG").

    Raises
    ------
    PostcodeFormatError
        If the text is not shaped like a full postcode. The message masks the inward code.
    """
    squashed = _squash(text, "postcode")
    match = _POSTCODE_RE.fullmatch(squashed)
    if match is None:
        shown = mask_postcode(squashed) if squashed else "(blank)"
        raise PostcodeFormatError(f'"{shown}" is not a full UK postcode ({_EXAMPLE})')
    return f"{match.group(1)} {match.group(2)}"


def normalise_outcode(text: str) -> str:
    """Standard form of an outward code (postcode district), e.g. " n17" -> "N17"."""
    squashed = _squash(text, "postcode district")
    if _OUTCODE_RE.fullmatch(squashed) is None:
        raise PostcodeFormatError(
            f'"{squashed}" is not a UK postcode district (e.g. "N17", "HA1" or "SW1A")'
        )
    return squashed


def normalise_sector(text: str) -> str:
    """Standard form of a postcode sector: district, space, digit ("ha12" -> "HA1 2")."""
    squashed = _squash(text, "postcode sector")
    match = _SECTOR_RE.fullmatch(squashed)
    if match is None:
        raise PostcodeFormatError(
            f'"{squashed}" is not a UK postcode sector (e.g. "N17 6" or "HA1 2": a district, '
            "then the first digit of the inward code)"
        )
    return f"{match.group(1)} {match.group(2)}"


def normalise_postcodes(
    texts: Iterable[object], source: str, field: str = "postcode", first_row: int = 1
) -> tuple[list[str | None], list[FieldError]]:
    """Normalise each postcode; a malformed one becomes None plus a ``FieldError`` for its row."""
    normals: list[str | None] = []
    errors: list[FieldError] = []
    for i, text in enumerate(texts):
        try:
            normals.append(normalise_postcode(text))  # type: ignore[arg-type]
        except PostcodeFormatError as exc:
            normals.append(None)
            errors.append(FieldError(source, first_row + i, field, str(exc)))
    return normals, errors
