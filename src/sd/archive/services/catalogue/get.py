"""GET {fonds}/@catalogue: the 归档文件目录 of a fonds as XLSX or PDF (DA/T 22-2015)."""

from __future__ import annotations

import json
from urllib.parse import quote

from sd.archive.catalogues.item import CatalogueSelection
from sd.archive.catalogues.item import render
from sd.archive.core.errors import ArchiveError
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import error_body


def send_file(response, data: bytes, media_type: str, name: str) -> bytes:
    """The file as the response body, its (possibly Chinese) name per RFC 6266/5987."""
    response.setHeader("Content-Type", media_type)
    response.setHeader("Content-Length", str(len(data)))
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    response.setHeader(
        "Content-Disposition",
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
    )
    return data


class CatalogueGet(ArchiveService):
    """``year``, ``category``, ``retention`` select (empty: all); ``format`` is ``xlsx``
    (default) or ``pdf``. A year that is not a number or an unknown format is a 400 in the
    one error shape."""

    def render(self):
        self.check_permission()
        form = self.request.form
        try:
            data, media_type, name = render(
                self.context, CatalogueSelection.from_form(form), form.get("format") or "xlsx"
            )
        except ArchiveError as error:
            self.request.response.setHeader("Content-Type", "application/json")
            return json.dumps(error_body(self.request, error), ensure_ascii=False)
        return send_file(self.request.response, data, media_type, name)

    def reply(self):  # pragma: no cover - render() answers
        return None
