"""Text of the files (文件文本, #30): run with `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/text.py COMMAND [--site archive]

Commands:
  status                    queued records, records waiting for a retry, retries due now
  drain                     extract the queued records now (due retries first)
  retry                     queue the records whose text was not available and is due, then drain
                            (a cron job may run it; the worker does the same every poll)
  reextract [--force] [--queue] [--all-states]
                            extract the text of the existing archived records (demo data,
                            migration) with progress; --force: every file again; --queue: only
                            queue them for the worker; --all-states: pre-archived records too
"""

import argparse
import json
import sys

from sd.archive.scripting import open_site
from sd.archive.scripting import script_args


def parse_args():
    parser = argparse.ArgumentParser(prog="text.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--user", default="admin")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status")
    sub.add_parser("drain")
    sub.add_parser("retry")
    p = sub.add_parser("reextract")
    p.add_argument("--force", action="store_true")
    p.add_argument("--queue", action="store_true")
    p.add_argument("--all-states", action="store_true")
    return script_args(parser)


def out(data):
    print(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def main(app):
    args = parse_args()
    site = open_site(app, args.site, args.user)
    import transaction

    from sd.archive.text import queue
    from sd.archive.text import store

    def status():
        return {
            "queued": queue.pending(site),
            "waiting_for_retry": store.retry_count(site),
            "retries_due": len(store.due_retries(site)),
        }

    if args.command == "status":
        out(status())
    elif args.command == "drain":
        out({"processed": queue.drain(site), **status()})
    elif args.command == "retry":
        requeued = queue.requeue_due(site)
        transaction.commit()
        out({"requeued": requeued, "processed": queue.drain(site, retries=False), **status()})
    elif args.command == "reextract":
        totals = queue.reextract(
            site,
            force=args.force,
            only_queue=args.queue,
            states=None if args.all_states else queue.ARCHIVED_STATES,
            progress=lambda n, total, code: print(f"\r{n}/{total} {code}", end="", file=sys.stderr),
        )
        print(file=sys.stderr)
        out({**totals, **status()})


main(app)  # noqa: F821 — zconsole provides `app`
