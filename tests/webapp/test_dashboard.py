# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""Dashboard page and its figures on the synthetic council (see web_support for the sums)."""

from __future__ import annotations

import re

import pytest

from tests.webapp.web_support import app, client  # noqa: F401


def _figure(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


def test_dashboard_figures(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.data.decode()
    assert _figure(page, "children-in-care") == "5"  # L1-L5
    assert _figure(page, "beyond-threshold") == "20%"  # L4 in Manchester: 1 of 5
    assert _figure(page, "vacancies") == "4"  # H1 1 + H2 2 + H3 1; H4 on hold
    assert _figure(page, "in-house") == "67%"  # 2 in-house of 3 in-house + agency
    assert _figure(page, "siblings-together") == "100%"  # G1: L1 and L2 both in H1
    assert _figure(page, "three-plus") == "–"  # no SSDA903 history in the store
    assert "Above target" in page  # 20% against the default 15% target
    assert "1 of 5 children" in page


def test_dashboard_target_setting(tmp_path) -> None:
    from tests.webapp.auth_support import signed_in
    from tests.webapp.web_support import make_app

    page = signed_in(make_app(tmp_path, DISTANCE_TARGET_PERCENT=25.0)).get("/").data.decode()
    assert "On target" in page


def test_dashboard_charts_have_titles_and_data_tables(client) -> None:
    page = client.get("/").data.decode()
    assert page.count('role="img"') == 2
    assert (
        '<title id="vacancies-today-by-provider-title">Vacancies today by provider</title>' in page
    )
    assert page.count("Show the data as a table") == 2


def test_about_page(client) -> None:
    assert b"Straight-line distance" in client.get("/about").data


def _body_links(page: str) -> list[str]:
    main = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    return [h for h in re.findall(r'href="([^"#]+)"', main) if h.startswith("/")]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("commissioner", ["/forecast/", "/scenarios/", "/recruitment/"]),
        ("fostering-manager", ["/households/?vacancy=yes", "/households/", "/recruitment/"]),
        ("placements-officer", ["/households/?vacancy=yes", "/referrals/", "/referrals/allocate",
                                "/households/"]),
    ],
)  # fmt: skip
def test_dashboard_links_only_to_pages_the_role_may_open(client_as, role, expected) -> None:
    user = client_as(role)
    links = _body_links(user.get("/").data.decode())
    assert [link for link in links if not link.startswith("/about")] == expected
    # Never "You do not have access" (recruitment answers 400 here: no SSDA903 history).
    assert all(user.get(link).status_code != 403 for link in links)


EPISODES = """\
CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
X1,10/01/2026,S,C2,N1,U1,PR1,01/04/2026,X1,,,,
X1,01/04/2026,P,C2,N1,U2,PR1,01/08/2026,X1,CARPL,,,
X1,01/08/2026,P,C2,N1,U3,PR1,,,CARPL,,,
X2,01/05/2025,S,C2,N1,U1,PR1,,,,,,
"""
HEADER = """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
X1,1,01/06/2012,WBRI,,,
X2,2,15/03/2013,WBRI,,,
"""


def test_placement_stability_from_imported_ssda903_returns(app, client, tmp_path) -> None:
    from webapp.sources import open_store
    from webapp.store_ssda903 import import_ssda903

    assert _figure(client.get("/").data.decode(), "three-plus") == "–"  # no returns yet
    (tmp_path / "2026-episodes.csv").write_text(EPISODES)
    (tmp_path / "2026-header.csv").write_text(HEADER)
    import_ssda903(open_store(app), [tmp_path], imported_by="test")
    page = client.get("/").data.decode()  # the import gives a new data version: no stale "–"
    # X1 had three placements in the year to 23 November 2026 (U1, U2, U3); X2 one.
    assert _figure(page, "three-plus") == "20%"  # 1 of the 5 children in care
    assert "1 child of 5 in care (DfE placement stability measure)" in page
    assert _figure(client.get("/").data.decode(), "three-plus") == "20%"
