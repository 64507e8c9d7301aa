"""Preservation status (长期保存状态) for monitoring and clients."""

from sd.archive.mining.findings import queue as findings_queue
from sd.archive.preservation import alarms
from sd.archive.preservation import config
from sd.archive.preservation import postprocess
from sd.archive.preservation import queues
from sd.archive.services.base import ArchiveService
from sd.archive.text import queue as text_queue
from sd.archive.text import store as text_store


class PreservationGet(ArchiveService):
    """``GET @preservation``: locations, the after-archiving queue (归档后处理队列), the text
    queue (文本提取队列), the findings queue (挖掘分析队列), alarms."""

    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@preservation",
            "locations": [
                {"id": loc.id, "medium": loc.medium, "online": loc.online}
                for loc in config.locations()
            ],
            "queue": {
                "mode": queues.mode(),
                "pending": postprocess.pending(),
                "oldest": postprocess.entries(limit=10),
            },
            "text": {  # the text of the files (#30): queued, waiting for a retry, due now
                "pending": text_queue.pending(),
                "retries": text_store.retry_count(),
                "due": len(text_store.due_retries()),
            },
            # the findings made in the worker's spare time (#31), after the queue above
            "findings": {"pending": findings_queue.pending()},
            "alarms": {"open": len(alarms.open_alarms())},
        }
