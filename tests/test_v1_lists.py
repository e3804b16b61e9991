"""Version 1 lists: filters, fields, sorting, keyset pages, counts and formats."""

from __future__ import annotations

import base64
import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData

FORMATS = ["json", "ndjson", "csv"]


def parse(body: str, fmt: str) -> list[dict[str, Any]]:
    """Rows of a body in any format, as dicts of text (CSV has no types)."""
    if fmt == "json":
        rows = json.loads(body)
    elif fmt == "ndjson":
        rows = [json.loads(line) for line in body.splitlines() if line]
    else:
        return list(csv.DictReader(io.StringIO(body)))
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]


def all_pages(client: TestClient, url: str, params: dict[str, Any]) -> tuple[list[str], int]:
    """Follow `Link: rel=next` from the first page to the last; bodies and page count."""
    bodies, response = [], client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        bodies.append(response.text)
        link = response.headers.get("link")
        if link is None:
            return bodies, len(bodies)
        assert link.endswith('>; rel="next"')
        response = client.get(link[1 : link.index(">")])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sort", [None, "-production_date", "production_date,-well_id"])
def test_pages_and_the_whole_stream_give_the_same_rows(
    client: TestClient, fmt: str, sort: str | None
) -> None:
    params: dict[str, Any] = {"format": fmt, "start": "2025-06-01"}
    if sort:
        params["sort"] = sort
    whole = parse(client.get("/v1/production/daily", params=params).text, fmt)
    bodies, pages = all_pages(client, "/v1/production/daily", params | {"limit": 997})
    paged = [row for body in bodies for row in parse(body, fmt)]
    assert pages == -(-len(whole) // 997) and pages > 2
    assert paged == whole


def test_default_order_is_by_well_and_date(client: TestClient) -> None:
    rows = client.get("/v1/production/daily", params={"division_id": SEED_DIVISION_ID}).json()
    keys = [(r["well_id"], r["production_date"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_count_is_given_only_when_asked(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    plain = client.get("/v1/production/daily", params={"limit": 5})
    assert "x-total-count" not in plain.headers
    counted = client.get(
        "/v1/production/daily", params={"limit": 5}, headers={"Prefer": "count=exact"}
    )
    assert counted.headers["x-total-count"] == str(data.daily_row_count)
    assert counted.headers["preference-applied"] == "count=exact"
    assert len(counted.json()) == 5


def test_formats_by_accept_header(client: TestClient) -> None:
    params = {"well_id": SEED_WELL_ID, "limit": 3}
    ndjson = client.get(
        "/v1/production/daily", params=params, headers={"Accept": "application/x-ndjson"}
    )
    assert ndjson.headers["content-type"] == "application/x-ndjson"
    assert len(ndjson.text.splitlines()) == 3
    as_csv = client.get("/v1/production/daily", params=params, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0].startswith("well_id,production_date,hours_on")
    refused = client.get(
        "/v1/production/daily", params=params, headers={"Accept": "application/xml"}
    )
    assert refused.status_code == 406 and "text/csv" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "xml"}, "json"),
        ({"limit": 0}, "greater than or equal to 1"),
        ({"limit": 10001}, "less than or equal to 10000"),
        ({"fields": "oil,pressure"}, "should match pattern"),
        ({"sort": "oil"}, "should match pattern"),
        ({"start": "2025-02-30"}, "date"),
        ({"units": "imperial"}, "field"),
        ({"well_id": "1 OR 1=1"}, "integer"),
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, params: dict[str, Any], message: str
) -> None:
    response = client.get("/v1/production/daily", params=params)
    assert response.status_code == 422, response.text
    assert message in response.text


@pytest.mark.parametrize("params", [{"cursor": "abc"}, {"cursor": "abc", "limit": 5}])
def test_a_cursor_the_list_did_not_give_out_names_no_page(
    client: TestClient, params: dict[str, Any]
) -> None:
    response = client.get("/v1/production/daily", params=params)
    assert response.status_code == 404, response.text
    assert response.json()["detail"].startswith("no such page")


def test_a_cursor_only_works_with_its_own_query(client: TestClient) -> None:
    first = client.get("/v1/production/daily", params={"limit": 2, "well_id": SEED_WELL_ID})
    link = first.headers["link"]
    token = link[link.index("cursor=") + 7 : link.index(">")]
    other = client.get("/v1/production/daily", params={"limit": 2, "cursor": token})
    assert other.status_code == 404 and "other parameters" in other.json()["detail"]


def test_a_cursor_without_limit_streams_the_rest(client: TestClient) -> None:
    params = {"well_id": SEED_WELL_ID}
    whole = client.get("/v1/production/daily", params=params).json()
    first = client.get("/v1/production/daily", params=params | {"limit": 7})
    link = first.headers["link"]
    token = link[link.index("cursor=") + 7 : link.index(">")]
    rest = client.get("/v1/production/daily", params=params | {"cursor": token}).json()
    assert first.json() + rest == whole and len(rest) == len(whole) - 7


def test_a_range_that_ends_before_it_starts_selects_nothing(client: TestClient) -> None:
    params = {"start": "2025-03-01", "end": "2025-02-01"}
    assert client.get("/v1/production/daily", params=params).json() == []
    assert client.get("/v1/production/rollup", params=params).json() == []


def test_a_sort_field_named_again_is_ignored(client: TestClient) -> None:
    params = {"well_id": SEED_WELL_ID, "limit": 5}
    once = client.get("/v1/production/daily", params=params | {"sort": "-production_date"})
    twice = client.get(
        "/v1/production/daily", params=params | {"sort": "-production_date,production_date"}
    )
    assert twice.status_code == 200 and twice.json() == once.json()
    dates = [row["production_date"] for row in once.json()]
    assert dates == sorted(dates, reverse=True)


def test_fields_are_selected_in_the_order_asked(client: TestClient) -> None:
    rows = client.get(
        "/v1/production/daily", params={"fields": "oil,production_date", "limit": 2}
    ).json()
    assert [list(r) for r in rows] == [["oil", "production_date"]] * 2


def test_unknown_filters_are_404(client: TestClient) -> None:
    assert client.get("/v1/production/daily", params={"well_id": 77}).status_code == 404
    assert client.get("/v1/production/daily", params={"division_id": 77}).status_code == 404
    mismatch = client.get(
        "/v1/production/daily", params={"well_id": SEED_WELL_ID, "division_id": 10}
    )
    assert mismatch.status_code == 404


def test_divisions_and_one_division(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    divisions = client.get("/v1/divisions").json()
    assert [d["division_id"] for d in divisions] == [10, 21, 42, 63, 99]
    seed = client.get(f"/v1/divisions/{SEED_DIVISION_ID}").json()
    assert seed["well_count"] == sum(w.division_id == SEED_DIVISION_ID for w in data.wells)
    assert seed == next(d for d in divisions if d["division_id"] == SEED_DIVISION_ID)
    assert client.get("/v1/divisions/5").json() == {"detail": "division 5 not found"}


def test_wells_filter_search_and_units(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    injectors = client.get("/v1/wells", params={"type": "injector"}).json()
    assert {w["well_id"] for w in injectors} == {
        w.well_id for w in data.wells if w.well_type == "injector"
    }
    shut_in = client.get("/v1/wells", params={"status": "shut_in", "division_id": 21}).json()
    assert all(w["status"] == "shut_in" and w["division_id"] == 21 for w in shut_in)
    name = next(w.name for w in data.wells if w.well_id == SEED_WELL_ID)
    found = client.get("/v1/wells", params={"q": name.upper()[2:8]}).json()
    assert SEED_WELL_ID in {w["well_id"] for w in found}
    assert client.get("/v1/wells", params={"q": "%"}).json() == []
    field = client.get(f"/v1/wells/{SEED_WELL_ID}").json()
    metric = client.get(f"/v1/wells/{SEED_WELL_ID}", params={"units": "metric"}).json()
    assert metric["cumulative_oil"] == pytest.approx(field["cumulative_oil"] * 0.158987294928)
    assert metric["cumulative_gas"] == pytest.approx(field["cumulative_gas"] * 28.316846592)
    assert client.get("/v1/wells/12").status_code == 404


def test_daily_prices_and_monthly_lists_answer(client: TestClient) -> None:
    prices = client.get("/v1/prices/daily", params={"start": "2025-01-01", "limit": 3}).json()
    assert [p["price_date"] for p in prices] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    assert client.get("/v1/production/monthly").status_code == 200
    assert client.get("/v1/prices/monthly", params={"product": "oil"}).status_code == 200


def forged(values: list[Any], client: TestClient, url: str, params: dict[str, Any]) -> str:
    """A cursor with chosen key values, bound to the request it will be sent with."""
    first = client.get(url, params=params)
    link = first.headers["link"]
    token = link[link.index("cursor=") + 7 : link.index(">")]
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    payload["k"] = values
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        ["abc", "2025-01-01"],
        [{"a": 1}, "2025-01-01"],
        [True, "2025-01-01"],
        [1851797476, "2025-02-30"],
        [1851797476, 20250101],
        [2**70, "2025-01-01"],
        [1],
    ],
)
def test_forged_cursors_name_no_page(client: TestClient, values: list[Any]) -> None:
    params = {"limit": 5}
    token = forged(values, client, "/v1/production/daily", params)
    response = client.get("/v1/production/daily", params=params | {"cursor": token})
    assert response.status_code == 404, response.text
    assert "no such page" in response.json()["detail"]


def test_link_is_relative_and_counts_stay_whole(
    client: TestClient, demo_database: tuple[str, DemoData]
) -> None:
    _, data = demo_database
    headers = {"Prefer": "count=exact", "Host": "evil.example"}
    first = client.get("/v1/production/daily", params={"limit": 100}, headers=headers)
    link = first.headers["link"]
    assert link.startswith("</v1/production/daily?")
    second = client.get(link[1 : link.index(">")], headers=headers)
    assert second.headers["x-total-count"] == first.headers["x-total-count"]
    assert first.headers["x-total-count"] == str(data.daily_row_count)


@pytest.mark.parametrize("prefer", ["count=exactly", "nocount=exact", "count=planned"])
def test_only_count_exact_counts(client: TestClient, prefer: str) -> None:
    response = client.get("/v1/production/daily", params={"limit": 1}, headers={"Prefer": prefer})
    assert "x-total-count" not in response.headers
    both = client.get(
        "/v1/production/daily",
        params={"limit": 1},
        headers={"Prefer": "return=minimal; count=exact"},
    )
    assert "x-total-count" in both.headers


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/csv;q=0, application/json", "application/json"),
        ("application/json;q=0.1, text/csv;q=0.9", "text/csv; charset=utf-8"),
        ("application/x-ndjson;q=0, */*;q=0.5", "application/json"),
        ("text/*", "text/csv; charset=utf-8"),
    ],
)
def test_accept_q_values_decide(client: TestClient, accept: str, media: str) -> None:
    response = client.get("/v1/prices/daily", params={"limit": 2}, headers={"Accept": accept})
    assert response.headers["content-type"] == media
    refused = client.get("/v1/prices/daily", headers={"Accept": "text/csv;q=0"})
    assert refused.status_code == 406


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/v1/wells", {"q": "\x00"}),
        ("/v1/wells", {"q": "a\x1fb"}),
        ("/v1/production/monthly", {"entity_key": "\x00"}),
        ("/v1/production/daily", {"sort": "well_id;-oil"}),
        ("/v1/divisions", {"sort": "division_name"}),
    ],
)
def test_control_characters_and_bad_sorts_are_422(
    client: TestClient, url: str, params: dict[str, str]
) -> None:
    assert client.get(url, params=params).status_code == 422
