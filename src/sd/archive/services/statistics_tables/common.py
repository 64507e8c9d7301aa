"""A service that answers JSON, or a file (``format=xlsx`` / ``pdf``) built from the same
reply; errors stay in the one error shape either way."""

from __future__ import annotations

import json

from sd.archive.core.errors import ArchiveError
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import error_body
from sd.archive.services.base import problem

TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class FileOrJsonService(ArchiveService):
    #: the file formats this endpoint answers besides JSON
    formats: tuple[str, ...] = ("xlsx",)

    def file(self, body: dict, fmt: str) -> tuple[bytes, str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self):
        fmt = self.request.form.get("format", "json")
        if fmt == "json":
            return super().render()
        try:
            if fmt not in self.formats:
                raise problem(
                    400,
                    "BadRequest",
                    "format must be json or " + " or ".join(self.formats) + " (导出格式无效)",
                    "statistics.format",
                    prop="format",
                )
            self.check_permission()
            data, filename = self.file(self.reply(), fmt)
        except ArchiveError as error:
            body = error_body(self.request, error)
            self.request.response.setHeader("Content-Type", "application/json")
            return json.dumps(body, ensure_ascii=False)
        response = self.request.response
        response.setHeader("Content-Type", TYPES[fmt])
        response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
        response.setHeader("Content-Length", str(len(data)))
        return data
