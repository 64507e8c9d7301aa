"""GET {fonds}/@catalogue: the catalogue outputs of a fonds (归档文件目录, 案卷目录, 卷内目录,
卷内备考表, 归档章) as XLSX or PDF; {volume}/@catalogue those of one volume, {record}/@catalogue
its 归档章 (``sd.archive.catalogues.outputs``)."""

from __future__ import annotations

import json
from urllib.parse import quote

from sd.archive.catalogues.outputs import render
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
    """``kind`` is ``items`` (default), ``volumes``, ``contents``, ``notes`` or ``stamps``;
    ``year``, ``category``, ``retention`` select (empty: all), ``uid`` (repeatable) only these
    records or volumes; ``format`` is ``xlsx`` or ``pdf`` (the kind's first by default). A
    year that is not a number, an unknown kind or format is a 400 in the one error shape."""

    def render(self):
        self.check_permission()
        form = self.request.form
        try:
            data, media_type, name = render(self.context, form)
        except ArchiveError as error:
            self.request.response.setHeader("Content-Type", "application/json")
            return json.dumps(error_body(self.request, error), ensure_ascii=False)
        return send_file(self.request.response, data, media_type, name)

    def reply(self):  # pragma: no cover - render() answers
        return None
