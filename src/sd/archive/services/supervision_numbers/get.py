"""GET {fonds}/@number-gaps?year=2023: the missing 文号 of the agency's series (发文断号) and
the numbers marked void with a reason (``declared``)."""

from sd.archive.core.supervision.figures import parse_year
from sd.archive.services.base import ArchiveService
from sd.archive.supervision import access
from sd.archive.supervision import details
from sd.archive.supervision import numbers


class NumberGapsGet(ArchiveService):
    def reply(self):
        access.check_fonds(self.context)
        year = parse_year(self.request.form.get("year"))
        return {
            "@id": f"{self.context.absolute_url()}/@number-gaps",
            "declared": numbers.declared_list(self.context, year),
            "gaps": details.number_gaps(self.context, year),
        }
