"""The security administrator's workbench line (工作台：组织机构同步): the last run, its
status and differences, an open alarm of an unreachable directory; a link to the page."""

from __future__ import annotations

from sd.archive.identity.directory import store


def block(view) -> dict | None:
    """None before any run and where the sync is not used (no bindings)."""
    from sd.archive.identity.directory.views import DirectorySyncView

    runs = store.runs(view.portal)
    if not runs and not store.bindings(view.portal):
        return None
    url = f"{view.portal_url}/@@directory-sync"
    if not runs:
        return {"url": url, "summary": "尚未运行 no run yet", "failed": False}
    last = DirectorySyncView(view.portal, view.request).run_view(runs[-1])
    summary = f"{last['when']} {last['kind']} {last['status']}，差异 {last['total']}"
    if last["problems"]:
        summary += f"；{last['problems'][0].get('message', '')}"
    return {"url": url, "summary": summary, "failed": last["failed"]}
