"""SSDA903 import: validation errors name file, row, field and rule; stitching follows DfE rules."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from sufficiency.domain import PlacementType
from sufficiency.errors import InputDataError
from sufficiency.ssda903 import VARIABLE_MAP, read_ssda903

DATA = Path(__file__).resolve().parent.parent / "data" / "ssda903"


@pytest.fixture(scope="module")
def small():
    return read_ssda903(DATA / "small")


def _child(history, child_id):
    return next(c for c in history.children if c.child_id == child_id)


def test_synthetic_sample_reads_every_year():
    history = read_ssda903(DATA / "synthetic_sample")
    assert len(history.children) == 743
    assert history.extract_date == dt.date(2022, 3, 27)
    assert "910 duplicate episodes dropped (the latest year's copy kept)" in history.cleaning_log
    assert "431 short-break episodes (LS V3/V4) excluded" in history.cleaning_log


def test_latest_year_wins_and_mixed_date_formats(small):
    # A1's 2024 copy is open; the 2025 copy of the same episode closes it with E4A.
    (episode,) = _child(small, "A1").episodes
    assert (episode.started, episode.ceased, episode.reason_ceased) == (
        dt.date(2023, 5, 1),
        dt.date(2024, 8, 1),
        "E4A",
    )
    assert episode.placement_type == PlacementType.IN_HOUSE_FOSTERING  # U4 with PR1
    assert _child(small, "A2").date_of_birth == dt.date(2012, 3, 15)  # ISO in 2024, dd/mm in 2025


def test_short_breaks_dropped_legal_status_merged_temporary_folded(small):
    a2 = _child(small, "A2")
    spans = [(e.started, e.ceased, e.placement_type, e.reason_ceased) for e in a2.episodes]
    assert spans == [
        # V3 short break on 01/01 dropped; lower-case u6/pr4 read; the L change on 01/03 merged.
        (dt.date(2024, 2, 1), dt.date(2024, 4, 1), PlacementType.AGENCY_FOSTERING, "X1"),
        # Open K2 trimmed at the T1 start, then the T1 absence folded into it.
        (dt.date(2024, 4, 1), dt.date(2024, 6, 10), PlacementType.CHILDRENS_HOME, "X1"),
    ]
    assert a2.disabled  # CIN N2


def test_uasc_mother_and_cleaning_log(small):
    a3 = _child(small, "A3")
    assert a3.unaccompanied_asylum_seeking
    assert small.mothers == frozenset({"A3"})
    assert small.cleaning_log == (
        "3 duplicate episodes dropped (the latest year's copy kept)",
        "1 episodes changing only legal status merged",
        "1 overlapping or unclosed episodes trimmed to the next episode's start",
        "1 short-break episodes (LS V3/V4) excluded",
        "1 temporary placements folded into the placement before",
    )


def test_every_problem_reported_and_nothing_imported():
    with pytest.raises(InputDataError) as caught:
        read_ssda903(DATA / "bad")
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == 9
    assert messages[0] == (
        "episodes.csv row 1, field \"PLACE\": is not a valid code (got 'X9'; expected a PLACE code "
        "from the 903 code list (e.g. U4, K2, P1)) [DfE rule 146: placement type code is not valid]"
    )
    assert (
        "episodes.csv row 3, field \"RNE\": is not a valid code (got 'Q'; expected one of B, L, P, "
        "S, T, U) [DfE rule 143: reason for new episode code is not valid]" in messages
    )
    assert any("row 5" in m and "K3 is valid from 01/04/2025" in m for m in messages)
    assert any(
        m.startswith('header.csv row 2, field "DOB"') and "DfE rule 102" in m for m in messages
    )
    assert messages[-1] == (
        'episodes.csv row 6, field "CHILD": child B9 has episodes but no header row in any header '
        "file [DfE rule EPI: every child with episodes needs a header row]"
    )


def test_episode_before_birth_is_an_error(tmp_path):
    shutil.copy(DATA / "small" / "2024-header.csv", tmp_path / "header.csv")
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\nA1,01/01/2009,S,C2,N1,U4,PR1,,\n"
    )
    with pytest.raises(InputDataError) as caught:
        read_ssda903(tmp_path)
    (error,) = caught.value.errors
    assert error.field == "DECOM" and error.row == 1
    assert "before their date of birth" in error.problem


@pytest.mark.parametrize("name", ["notes.csv", "missing"])
def test_unknown_or_missing_files(tmp_path, name):
    if name.endswith(".csv"):
        (tmp_path / name).write_text("A,B\n1,2\n")
    with pytest.raises(InputDataError) as caught:
        read_ssda903(tmp_path / name)
    assert len(caught.value.errors) == 1


def test_variable_map_covers_the_columns_we_read():
    assert {"CHILD", "DECOM", "DEC", "PLACE", "PLACE_PROVIDER", "REC", "LS", "DOB", "DUC"} <= set(
        VARIABLE_MAP
    )
