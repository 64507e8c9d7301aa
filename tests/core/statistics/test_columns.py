"""Columns (按列统计) agree with the postings they were built from."""

from sd.archive.core.statistics import tables
from sd.archive.core.statistics.columns import Columns
from sd.archive.core.statistics.columns import Scoped

DIMS = {
    "fonds": {"J001": {11, 12, 13, 14, 15, 16}, "J002": {17, 18, 19, 20}},
    "retention": {"Y": {11, 12, 17}, "D30": {13, 14, 18, 19}, "D10": {15}},
    "state": {"archived": {11, 12, 13, 14, 15, 16}, "received": {17, 18, 19, 20}, "x": {99}},
}
FORMATS = {"format": {"OFD": {11, 12, 13}, "PDF": {13, 14, 15, 16, 17}}}
DATES = {"created": {100: {11, 12}, 200: {13, 14, 15, 16, 17, 18, 19, 20}}}
SIZES = {i: (i - 10) * 1024 * 1024 for i in range(11, 21)}


def columns():
    return Columns.build(range(11, 21), DIMS, FORMATS, DATES, SIZES)


def test_same_tables_as_postings():
    postings = tables.Postings(set(range(11, 21)), {**DIMS, **FORMATS}, SIZES)
    scoped = Scoped(columns())
    for dim in ("retention", "state", "format", "fonds"):
        assert tables.holdings_table(scoped, dim) == tables.holdings_table(postings, dim), dim


def test_masks():
    c = columns()
    j001 = c.where("fonds", ["J001"])
    assert c.count(j001) == 6
    assert c.count(j001 & c.where("retention", ["Y"])) == 2
    assert c.count(c.between("created", 150, 250)) == 8
    assert c.bytes(c.where("fonds", ["J002"])) == (7 + 8 + 9 + 10) * 1024 * 1024
    assert c.count(c.where("state", ["nothing"])) == 0
    assert c.count(c.where("state", ["x"])) == 0  # 99 is not a record in scope


def test_groups_and_take_give_one_agency():
    c = columns()
    groups = c.groups("fonds")
    j002 = c.take(groups["J002"])
    assert list(j002.rids) == [17, 18, 19, 20]
    assert j002.count(j002.where("retention", ["D30"])) == 2
    assert j002.bytes() == c.bytes(c.where("fonds", ["J002"]))
    assert j002.count(j002.between("created", 150, 250)) == 4


def test_mask_of_ids():
    c = columns()
    assert c.count(c.mask_of([12, 14, 99, 3])) == 2  # 99 and 3 are not records in scope
