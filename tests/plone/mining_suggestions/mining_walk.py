"""The suggestion endpoints' part of the OpenAPI walk (tests/plone/openapi/test_openapi_walk.py):
each documented operation once valid, once invalid."""

from __future__ import annotations

import io


def _sheet() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["主题词", "入口词"])
    book.active.append(["档案工作", "档案管理"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def walk_mining(w, j001, record):
    path = "/{fonds}/{record}/@mining-suggestions"
    url = f"{record}/@mining-suggestions"
    w.call("valid", path, "get", url, "admin", 200)
    w.call("invalid", path, "get", url, None, 401)
    # the walk's record is archived: no arrangement suggestion; keywords rejected change nothing
    w.call(
        "valid",
        path,
        "post",
        url,
        "admin",
        200,
        json={"kind": "keywords", "terms": [], "suggested": ["档案工作"]},
    )
    w.call("invalid", path, "post", url, "admin", 400, json={"kind": "guess"})
    path = "/{fonds}/@mining-model"
    w.call("valid", path, "get", f"{j001}/@mining-model", "admin", 200)
    w.call("invalid", path, "get", f"{j001}/@mining-model", None, 401)
    w.call("valid", path, "post", f"{j001}/@mining-model", "admin", 200)
    w.call("invalid", path, "post", f"{j001}/@mining-model", None, 401)
    path = "/{fonds}/@mining-thesaurus"
    xlsx = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    w.call("valid", path, "get", f"{j001}/@mining-thesaurus", "admin", 200)
    w.call("invalid", path, "get", f"{j001}/@mining-thesaurus", None, 401)
    w.call(
        "valid",
        path,
        "post",
        f"{j001}/@mining-thesaurus",
        "admin",
        200,
        data=_sheet(),
        headers=xlsx,
    )
    w.call(
        "invalid", path, "post", f"{j001}/@mining-thesaurus", "admin", 400, data=b"x", headers=xlsx
    )
    path = "/{fonds}/@mining-acceptance"
    w.call("valid", path, "get", f"{j001}/@mining-acceptance", "admin", 200)
    w.call("invalid", path, "get", f"{j001}/@mining-acceptance", None, 401)
