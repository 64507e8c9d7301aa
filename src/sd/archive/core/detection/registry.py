"""Check registry (检测函数登记): catalogue items name their check; checks register by name."""

from __future__ import annotations

from collections.abc import Callable

CHECKS: dict[str, Callable] = {}


def register(name: str) -> Callable:
    """Register a check ``f(subject, item, context) -> list[Finding]`` under ``name``."""

    def decorate(func: Callable) -> Callable:
        if name in CHECKS:
            raise ValueError(f"check {name!r} registered twice")
        CHECKS[name] = func
        return func

    return decorate


#: checks that can start work before the run reaches them (预先启动), e.g. the virus scan:
#: ``f(subject, item, context)`` is called when the run begins, the check collects the result
PREFETCH: dict[str, Callable] = {}


def prefetch(name: str) -> Callable:
    """Register the early start of the check ``name`` (see :data:`PREFETCH`)."""

    def decorate(func: Callable) -> Callable:
        PREFETCH[name] = func
        return func

    return decorate
