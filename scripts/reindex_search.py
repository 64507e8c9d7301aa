"""Rebuild the Chinese full-text index from the records (重建检索索引); run with `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/reindex_search.py [--site archive] [--batch 500]
        [--keep] [--backend catalog|postgresql]

Indexes every record's SearchableText (description fields + the extracted text of its files,
no OCR again) and record_title again, in batches with a commit each, printing progress
(done/total, records/s, time left). On ZEO or RelStorage it runs beside the serving instances;
on the embedded FileStorage (one process holds Data.fs) start it from the running site instead:
``@@reindex-search`` (Manager). ``--backend postgresql`` writes the rows of the PostgreSQL
full-text table ``sd_search`` again instead (``SD_ARCHIVE_SEARCH_DSN``; with ``--keep`` the table
is not emptied first, rows of records gone are removed at the end). See docs/search.md.
"""

import argparse

from sd.archive.scripting import open_site
from sd.archive.scripting import script_args


def parse_args():
    parser = argparse.ArgumentParser(prog="reindex_search.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="do not clear the index first")
    parser.add_argument(
        "--backend",
        choices=("catalog", "postgresql"),
        default="catalog",
        help="postgresql: the rows of sd_search (SD_ARCHIVE_SEARCH_DSN) instead of the catalog",
    )
    return script_args(parser)


def main(app):
    from sd.archive.search.rebuild import describe
    from sd.archive.search.rebuild import rebuild

    args = parse_args()
    site = open_site(app, args.site, args.user)

    def progress(p):
        print(describe(p), flush=True)

    if args.backend == "postgresql":
        from sd.archive.search import postgresql

        final = postgresql.rebuild(site, batch=args.batch, progress=progress, clear=not args.keep)
    else:
        final = rebuild(site, batch=args.batch, progress=progress, clear=not args.keep)
    print(f"done: {final['done']} records in {final['seconds']:.0f} s", flush=True)


main(app)  # noqa: F821 - zconsole run provides `app`
