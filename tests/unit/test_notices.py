"""Notices read back from the outbox as the typed notice they were, rows written before
the notices were typed included; a row no kind can read is refused, clearly."""

from __future__ import annotations

import pytest

from core.notices import (
    Card,
    CardEvent,
    Digest,
    DigestLine,
    Route,
    SolutionProposed,
    UnreadableNotice,
    load,
)


def test_a_row_written_by_the_untyped_outbox_still_reads() -> None:
    payload = {"number": "2611-0001", "remedy": "exchange", "amount": "", "currency": "",
               "text": "A fresh bottle today.", "department": "quality"}
    notice = load("solution_proposed", Route("customer", "41"), 9, payload)
    assert notice == SolutionProposed(case_id=9, customer_id=41, number="2611-0001",
                                      remedy="exchange", amount="", currency="",
                                      text="A fresh bottle today.", department="quality")
    assert (notice.kind, notice.audience, notice.address) == ("solution_proposed", "customer",
                                                              "41")
    assert notice.payload == payload


def test_nested_payloads_keep_their_shape() -> None:
    card = Card(case_id=3, to=Route("department", "quality"), number="2611-0003",
                events=(CardEvent(event="assign", note="", actor_id=None, role="system"),))
    assert card.payload == {"number": "2611-0003", "shown_only": False, "events": [
        {"event": "assign", "note": "", "actor_id": None, "role": "system", "detail": "",
         "file_kind": "", "file_ref": ""}]}
    # A card stored before ``detail``, ``shown_only`` and the file fields existed still reads.
    old = {"number": "2611-0003", "events": [
        {"event": "assign", "note": "", "actor_id": None, "role": "system"}]}
    assert load("card", card.route(), 3, old) == card
    digest = Digest(department="quality", day="2026-11-05", total=1, cases=(
        DigestLine(number="2611-0003", state="received", owner="", due=""),))
    assert load("digest", digest.route(), None, digest.payload) == digest
    assert digest.audience == "department" and digest.address == "quality"


def test_extra_payload_keys_are_ignored() -> None:
    notice = load("survey", Route("customer", "41"), 9,
                  {"number": "2611-0001", "round": 1, "added_later": True})
    assert notice.payload == {"number": "2611-0001", "round": 1}


@pytest.mark.parametrize(("kind", "payload"), [
    ("no_such_kind", {}),
    ("survey", {"number": "2611-0001"}),  # no round
    ("card", {"number": "2611-0001", "events": [{"event": "assign"}]}),
])
def test_a_row_no_kind_can_read_is_refused_with_a_reason(kind: str, payload: dict[str, object]
                                                         ) -> None:
    with pytest.raises(UnreadableNotice, match=kind):
        load(kind, Route("customer", "41"), 9, payload)
