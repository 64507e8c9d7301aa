"""The one home of the small error constructors (core/errors.py): bad input 400, not allowed
403, not logged in 401 — each one problem, in the one error shape, Chinese first."""

from __future__ import annotations

import pytest

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import bad_request
from sd.archive.core.errors import forbidden
from sd.archive.core.errors import unauthorized


@pytest.mark.parametrize(
    "error, status, type_, problem",
    [
        (
            bad_request("reason must be text", "access.reason", "reason", "SQ-1"),
            400,
            "BadRequest",
            {"code": "access.reason", "object": "SQ-1", "property": "reason"},
        ),
        (
            forbidden("only the requester submits", "access.not-requester", "SQ-1"),
            403,
            "Forbidden",
            {"code": "access.not-requester", "object": "SQ-1"},
        ),
        (
            unauthorized("log in first (请先登录)"),
            401,
            "Unauthorized",
            {"code": "auth.required", "object": "", "property": "authorization"},
        ),
    ],
)
def test_one_problem_in_the_error_shape(error, status, type_, problem):
    assert isinstance(error, ArchiveError)
    assert (error.status, error.type) == (status, type_)
    (found,) = error.problems
    for key, value in problem.items():
        assert getattr(found, key) == value
    body = error.as_dict()
    assert body["type"] == type_ and len(body["errors"]) == 1


def test_the_problem_message_is_the_error_message():
    error = bad_request("title is required (必填)", "rectification.required", "title")
    assert "title is required" in error.problems[0].message
    assert "title is required" in error.message
    with pytest.raises(ArchiveError) as raised:
        raise forbidden("not yours", "x.not-yours")
    assert raised.value.status == 403 and "property" not in raised.value.as_dict()["errors"][0]
