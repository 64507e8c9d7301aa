"""POST {fonds}/@arrangement-rules?which=scheme|schedule&format=xml|csv: strict import."""

from plone.restapi.services import Service

from sd.archive import rules
from sd.archive.core.errors import ArchiveError


class ArrangementRulesPost(Service):
    """Replace the fonds' scheme or schedule with the posted file; nothing changes on error."""

    def reply(self):
        which = self.request.form.get("which", "scheme")
        fmt = self.request.form.get("format", "xml")
        if which not in ("scheme", "schedule") or fmt not in rules.FORMATS:
            self.request.response.setStatus(400)
            return {"type": "BadRequest", "message": "which: scheme|schedule, format: xml|csv",
                    "errors": []}
        data = self.request.get("BODY") or b""
        try:
            rules.import_file(self.context, which, data, fmt)
        except ArchiveError as error:
            self.request.response.setStatus(422)
            return error.as_dict()
        self.request.response.setStatus(204)
        return None
