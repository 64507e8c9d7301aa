"""The relevance page (按相关度取一页) is picked with a heap: the same order as sorting the
whole scored result set with ``byValue``, ties included."""

import random

from BTrees.IIBTree import IIBucket

from sd.archive.search.engine import ranked


def scored(n, seed=3):
    rnd = random.Random(seed)  # noqa: S311 - test data
    # few distinct scores: many ties
    return IIBucket({rid: rnd.randrange(1, 8) for rid in rnd.sample(range(1, 10 * n), n)})


def test_first_page_is_the_head_of_the_full_sort():
    rs = scored(2000)
    full = rs.byValue(0)
    for end in (1, 20, 40, 2000, 2500):
        assert ranked(rs, end) == full[:end]


def test_reverse_is_the_tail_of_the_full_sort():
    rs = scored(500)
    full = rs.byValue(0)
    full.reverse()
    assert ranked(rs, 60, reverse=True) == full[:60]


def test_empty_and_single():
    assert ranked(IIBucket(), 20) == []
    assert ranked(IIBucket({7: 3}), 20) == [(3, 7)]
