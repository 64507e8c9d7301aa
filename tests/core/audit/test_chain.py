"""The audit chain: canonical entries, SM3 links and the check against an anchor."""

import dataclasses
import hashlib

import pytest

from sd.archive.core.audit.check import Anchor
from sd.archive.core.audit.check import check_chain
from sd.archive.core.audit.entry import GENESIS
from sd.archive.core.audit.entry import Entry
from sd.archive.core.audit.entry import Event
from sd.archive.core.audit.entry import canonical_json
from sd.archive.core.audit.entry import chain_all


def trail(n=5):
    events = [
        Event(
            f"action-{i}",
            actor="admin",
            ip="10.0.0.1",
            path=f"/archive/r{i}",
            details={"n": i, "名称": "档案"},
        )
        for i in range(n)
    ]
    return chain_all(events, None)


def test_entries_link_with_sm3_over_canonical_json():
    entries = trail(3)
    assert [e.seq for e in entries] == [0, 1, 2]
    assert entries[0].prev == GENESIS and entries[1].prev == entries[0].hash
    fields = entries[1].as_dict()
    del fields["hash"]
    assert entries[1].hash == hashlib.new("sm3", canonical_json(fields)).hexdigest()
    assert canonical_json({"b": 1, "a": "档"}) == '{"a":"档","b":1}'.encode()


def test_appending_continues_after_a_head():
    first = trail(2)
    more = chain_all([Event("x")], (first[-1].seq, first[-1].hash))
    assert more[0].seq == 2 and more[0].prev == first[-1].hash
    assert check_chain(first + more).valid


def test_event_rejects_unknown_outcome_and_keeps_details_plain():
    with pytest.raises(ValueError):
        Event("view", outcome="maybe")
    with pytest.raises(ValueError):
        Event("")
    event = Event("view", details={"ratio": 1.5, "tags": {"b", "a"}, 3: None})
    assert event.details == {"ratio": "1.5", "tags": ["a", "b"], "3": None}
    assert event.time.endswith("Z")


def test_intact_trail_is_valid_and_anchored():
    entries = trail()
    result = check_chain(entries, Anchor(3, entries[3].hash))
    assert result.valid and result.checked == 5 and result.anchored_index == 3
    assert result.first_bad_index is None and result.head_hash == entries[-1].hash


@pytest.mark.parametrize(
    "change,index,word",
    [
        (lambda es: es.__setitem__(2, dataclasses.replace(es[2], actor="mallory")), 2, "altered"),
        (lambda es: es.pop(2), 2, "missing"),
        (
            lambda es: es.__setitem__(
                3,
                dataclasses.replace(
                    es[3],
                    prev="1" * 64,
                    hash=dataclasses.replace(es[3], prev="1" * 64).computed_hash(),
                ),
            ),
            3,
            "link",
        ),
    ],
)
def test_tampering_is_found_at_its_index(change, index, word):
    entries = trail()
    change(entries)
    result = check_chain(entries)
    assert not result.valid and result.first_bad_index == index and word in result.reason
    assert result.checked == index


def test_rewritten_chain_differs_from_anchor():
    entries = trail()
    forged = chain_all([Event(e.action, actor="mallory", time=e.time) for e in entries], None)
    assert check_chain(forged).valid  # consistent by itself ...
    result = check_chain(forged, Anchor(4, entries[4].hash))
    assert not result.valid and result.first_bad_index == 4 and "anchor" in result.reason


def test_truncated_tail_is_found_against_anchor():
    entries = trail()
    assert check_chain(entries[:3]).valid  # a shorter chain is consistent by itself ...
    result = check_chain(entries[:3], Anchor(4, entries[4].hash))
    assert not result.valid and result.first_bad_index == 3 and "removed" in result.reason


def test_entry_round_trips_through_dict():
    entry = trail(1)[0]
    assert Entry.from_dict(entry.as_dict()) == entry
