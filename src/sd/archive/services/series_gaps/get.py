"""GET {fonds}/@series-gaps: the declared gaps (断号登记) and the gaps still without a reason.

``{"@id", "declared": [{series, number, reason, reason_zh, note, by, time}], "gaps":
[{series, missing: [件号]}]}`` — ``gaps`` covers every item-number series of the fonds, each as
a whole; an outgoing transfer taking one of them is refused (409 ``SeriesGaps``) until each
missing number has a reason (``POST``).
"""

from sd.archive.services.base import ArchiveService
from sd.archive.transfer import continuity


class SeriesGapsGet(ArchiveService):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@series-gaps",
            "declared": continuity.declared_list(self.context),
            "gaps": [gap.as_dict() for gap in continuity.fonds_gaps(self.context)],
        }
