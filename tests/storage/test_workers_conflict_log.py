"""The ConflictError log of the workers (#31): oid, class and whether a client got it."""

import logging
from types import SimpleNamespace

from ZODB.POSException import ConflictError
from ZODB.POSException import ReadConflictError
from ZODB.utils import p64

from sd.archive import workers


def event(error, retry):
    return SimpleNamespace(
        exc_info=(type(error), error, None), retry=retry, request={"PATH_INFO": "/a/@archive"}
    )


def test_a_retried_conflict_is_info_one_reaching_the_client_a_warning(caplog):
    caplog.set_level(logging.INFO, logger="sd.archive.workers")
    bucket = ConflictError(oid=p64(0x2A5D), data=b"cBTrees.IOBTree\nIOBucket\nq\x01.")
    workers.conflict_logged(event(bucket, retry=True))
    workers.conflict_logged(event(ReadConflictError(oid=p64(0x22A1)), retry=False))
    workers.conflict_logged(event(ValueError("not a conflict"), retry=False))
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "INFO",
            "conflict ConflictError oid=0x2a5d class=BTrees.IOBTree.IOBucket retry=True "
            "path=/a/@archive",
        ),
        (
            "WARNING",
            "conflict ReadConflictError oid=0x22a1 class=- retry=False path=/a/@archive",
        ),
    ]
