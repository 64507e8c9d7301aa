"""POST {fonds}/@arrangement-rules?which=scheme|schedule&format=xml|csv: strict import."""

from sd.archive import rules
from sd.archive.core.errors import ArchiveError
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import error_body


class ArrangementRulesPost(ArchiveService):
    """Replace the fonds' scheme or schedule with the posted file; nothing changes on error."""

    def reply(self):
        which = self.request.form.get("which", "scheme")
        fmt = self.request.form.get("format", "xml")
        if which not in ("scheme", "schedule") or fmt not in rules.FORMATS:
            raise ArchiveError("which: scheme|schedule, format: xml|csv", [], 400, "BadRequest")
        data = self.request.get("BODY") or b""
        try:
            rules.import_file(self.context, which, data, fmt)
        except ArchiveError as error:  # every refusal of the file is a 422 here
            body = error_body(self.request, error)
            self.request.response.setStatus(422)
            return body
        self.request.response.setStatus(204)
        return None
