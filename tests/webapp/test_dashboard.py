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
