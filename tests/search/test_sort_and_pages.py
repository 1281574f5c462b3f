"""Sorting (+, -, bare names, a "+" decoded as a space, every listed field) and paging."""

from __future__ import annotations

import pytest
from tests.harness.search import NO_MATCH

SORT_FIELDS = [
    "id",
    "status",
    "updated",
    "email",
    "last_contacted",
    "last_replied",
    "first_name",
    "last_name",
    "company",
    "organization_id",
    "industry",
    "website",
    "tags",
    "title",
    "phone",
    "address",
    "city",
    "state",
    "country",
    "snipet1",
    "snipet2",
    "snipet3",
    "snipet4",
    *(f"snippet{n}" for n in range(1, 16)),
]


def listing(account, **params) -> list[dict]:
    response = account.search(per_page=1000, **params)
    assert response.status_code == 200, response.text
    return response.json()


def ordered(prospects: list[dict], key, descending: bool = False) -> list[int]:
    """The ids in the documented order: by the key, nulls first ascending, ties by id in the
    key's direction."""
    return [
        p["id"]
        for p in sorted(
            prospects,
            key=lambda p: (key(p) is not None, key(p) if key(p) is not None else 0, p["id"]),
            reverse=descending,
        )
    ]


def test_default_order_is_id_ascending(dataset) -> None:
    prospects = listing(dataset.a)
    assert [p["id"] for p in prospects] == sorted(dataset.a.ids.values())


@pytest.mark.parametrize("field", SORT_FIELDS)
def test_every_listed_field_sorts_both_ways(dataset, field) -> None:
    a = dataset.a
    everyone = listing(a)
    key_name = {"last_replied": "last replied"}.get(field, field)
    for prefix, descending in (("+", False), ("-", True), ("", False)):
        prospects = listing(a, sort=f"{prefix}{field}")
        assert [p["id"] for p in prospects] == ordered(everyone, lambda p: p[key_name], descending), prefix


def test_a_plus_decoded_as_a_space_is_ascending(dataset) -> None:
    a = dataset.a
    raw = a.search("sort=+company&per_page=1000").json()  # the raw "+" arrives as a space
    assert [p["id"] for p in raw] == [p["id"] for p in listing(a, sort="company")]
    assert [p["id"] for p in raw] != [p["id"] for p in listing(a, sort="-company")]


def test_several_sort_fields(dataset) -> None:
    a = dataset.a
    expected = sorted(listing(a), key=lambda p: p["id"])
    # Stable sorts, least significant key first: last_contacted descending (NULLs last), then
    # company ascending; ties stay in id order (the first key's direction).
    expected.sort(key=lambda p: (p["last_contacted"] is not None, p["last_contacted"] or ""), reverse=True)
    expected.sort(key=lambda p: p["company"])
    prospects = listing(a, sort="+company,-last_contacted")
    assert [p["id"] for p in prospects] == [p["id"] for p in expected]
    assert prospects[0]["company"] == "100% Pure_Fun"
    pied = [p["email"] for p in prospects if p["company"] == "Pied Piper"]
    assert pied == ["jared@piedpiper.com", "richard@piedpiper.com", "dinesh@piedpiper.com"]


def test_activity_sorts_need_their_activity(dataset) -> None:
    a = dataset.a
    opened = listing(a, activity="OPENED", sort="-last_opened")
    assert [p["email"] for p in opened] == [
        "jared@piedpiper.com",
        "erlich@bachmanity.com",
        "monica@raviga.com",
    ]
    clicked = listing(a, activity="CLICKED", sort="last_clicked")
    assert [p["email"] for p in clicked] == ["monica@raviga.com", "erlich@bachmanity.com"]
    mailed = listing(a, activity="NOT-CLICKED", sort="-sent_mails")
    assert [p["email"] for p in mailed] == ["jared@piedpiper.com", "richard@piedpiper.com"]
    assert [p["email"] for p in listing(a, activity="OPENED", sort="sent_mails,-id")] == [
        "monica@raviga.com",
        "jared@piedpiper.com",
        "erlich@bachmanity.com",
    ]


def test_the_campaign_view_sorts_by_the_status_in_the_campaign(dataset) -> None:
    a = dataset.a
    america = str(a.campaigns["SaaS in America"])
    prospects = listing(a, campaigns_id=america, sort="-status")
    assert [p["status"] for p in prospects] == ["TO-CHECK", "ACTIVE", "ACTIVE"]


def test_pages_partition_the_list(dataset) -> None:
    a = dataset.a
    everyone = [p["id"] for p in listing(a, sort="-company")]
    pages = []
    for page in range(1, 100):
        response = a.search(sort="-company", per_page=4, page=page)
        if response.json() == NO_MATCH:
            break
        assert response.headers["x-total-count"] == str(len(everyone))
        pages.extend(p["id"] for p in response.json())
    assert pages == everyone
    assert page == -(-len(everyone) // 4) + 1


def test_page_zero_is_the_first_page_and_default_page_size_is_100(dataset) -> None:
    a = dataset.a
    first = a.search(per_page=5, page=1).json()
    assert a.search(per_page=5, page=0).json() == first
    assert a.search(per_page=5).json() == first
    assert len(a.search().json()) == len(a.ids)  # 35 < 100


def test_per_page_limits(dataset) -> None:
    a = dataset.a
    assert len(a.search(per_page=1).json()) == 1
    assert len(a.search(per_page=1000).json()) == len(a.ids)


def test_a_page_past_the_end_is_no_match_with_the_total(dataset) -> None:
    a = dataset.a
    response = a.search(page=3, per_page=20)
    assert (response.status_code, response.json()) == (200, NO_MATCH)
    assert response.headers["x-total-count"] == str(len(a.ids))
    response = a.search(page=999_999_999_999, per_page=1000)
    assert response.json() == NO_MATCH


def test_ids_and_status_pages_jump_straight_to_the_right_rows(dataset) -> None:
    """The bucket jump (no filter but status, sorted by id) against the plain listing."""
    a = dataset.a
    for status in (None, "ACTIVE", "BOUNCED"):
        params = {"status": status} if status else {}
        everyone = [p["id"] for p in listing(a, **params)]
        for sort in ("id", "-id"):
            expected = everyone if sort == "id" else everyone[::-1]
            got = []
            for page in range(1, 40):
                body = a.search(sort=sort, per_page=3, page=page, **params).json()
                if body == NO_MATCH:
                    break
                got.extend(p["id"] for p in body)
            assert got == expected, (status, sort)
