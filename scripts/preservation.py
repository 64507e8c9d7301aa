"""Long-term preservation commands (长期保存运维命令); run with `zconsole run`.

    zconsole run instance/var/etc/zope.conf scripts/preservation.py COMMAND [ARGS] [--site archive]

Commands:
  rebuild LOCATION [--accept-any-signer]    rebuild records from the AIPs of one location
  fixity [LOCATION ...] [--run-id ID]       check (and repair) locations; resumes a run id
  fixity --resume                           resume every unfinished run
  discs BATCH_A BATCH_B [--location copy1] [--carrier-type "BD-R 25GB"] [--place ROOM]
  read-back CARRIER_ID PATH                 verify a mounted disc or a copied image
  backup BACKUP_ROOT                        database, blobs, AIPs, config, public keys, audit
  restore BACKUP_DIR TARGET [--sample 0.1]  restore, then a fixity sample decides if it counts
  migrate SOURCE_LOCATION TARGET_PATH       copy all AIPs to a new location, verified
  convert COMPONENT_UID                     convert a component to its preservation format
  alarms                                    list the open preservation alarms
  drain                                     do the queued after-archiving work (seal + AIP) now
"""

import argparse
import json
import sys

import transaction

from sd.archive.scripting import open_site
from sd.archive.scripting import script_args


def parse_args():
    parser = argparse.ArgumentParser(prog="preservation.py")
    parser.add_argument("--site", default="archive")
    parser.add_argument("--user", default="admin")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rebuild")
    p.add_argument("location")
    p.add_argument("--accept-any-signer", action="store_true")
    p = sub.add_parser("fixity")
    p.add_argument("locations", nargs="*")
    p.add_argument("--run-id")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--no-repair", action="store_true")
    p = sub.add_parser("discs")
    p.add_argument("batch_a")
    p.add_argument("batch_b")
    p.add_argument("--location", default="copy1")
    p.add_argument("--carrier-type", default="")
    p.add_argument("--place", default="")
    p = sub.add_parser("read-back")
    p.add_argument("carrier_id")
    p.add_argument("path")
    p = sub.add_parser("backup")
    p.add_argument("root")
    p = sub.add_parser("restore")
    p.add_argument("backup_dir")
    p.add_argument("target")
    p.add_argument("--sample", type=float, default=0.1)
    p = sub.add_parser("migrate")
    p.add_argument("source")
    p.add_argument("target")
    p = sub.add_parser("convert")
    p.add_argument("uid")
    sub.add_parser("alarms")
    sub.add_parser("drain", help="do the queued after-archiving work (seal + AIP) now")
    return script_args(parser)


def out(data):
    print(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def main(app):  # noqa: C901 - one branch per subcommand of the argparse dispatch
    args = parse_args()
    site = open_site(app, args.site, args.user)
    from sd.archive.core.preservation.fixity import TextProgress
    from sd.archive.preservation import alarms
    from sd.archive.preservation import backup
    from sd.archive.preservation import config
    from sd.archive.preservation import conversion
    from sd.archive.preservation import discs
    from sd.archive.preservation import fixity
    from sd.archive.preservation import migration
    from sd.archive.preservation import postprocess
    from sd.archive.preservation import rebuild

    ok = True
    if args.command == "drain":
        out({"processed": postprocess.drain(site), "pending": postprocess.pending(site)})
    elif args.command == "rebuild":
        report = rebuild.rebuild(
            args.location,
            accept_any_signer=args.accept_any_signer,
            progress=lambda n, total, code: print(f"\r{n}/{total} {code}", end="", file=sys.stderr),
        )
        print(file=sys.stderr)
        out(
            {
                "records": len(report.records),
                "skipped": len(report.skipped),
                "versions": report.versions,
                "problems": report.problems,
            }
        )
        ok = report.ok
    elif args.command == "fixity":
        if args.resume:
            jobs = [(fixity.location_of_run(r), r) for r in fixity.resume_unfinished()]
        else:
            ids = args.locations or [loc.id for loc in config.online_locations()]
            jobs = [(loc_id, args.run_id) for loc_id in ids]
        for loc_id, run_id in jobs:
            result, report = fixity.run(
                loc_id, run_id=run_id, progress=TextProgress(), repair=not args.no_repair
            )
            transaction.commit()  # repair events and alarms of this location
            out(
                {
                    "run_id": result.run_id,
                    "location": loc_id,
                    "passed": len(result.passed),
                    "failed": len(result.failed),
                    "missing": len(result.missing),
                    "repaired": len(report.events),
                    "alarms": len(report.alarms),
                }
            )
            ok = ok and result.ok and not report.alarms
    elif args.command == "discs":
        result = discs.batch(
            args.batch_a,
            args.batch_b,
            location_id=args.location,
            carrier_type=args.carrier_type,
            storage_place=args.place,
        )
        out(
            {
                "images": result.images,
                "read_back": result.read_back,
                "records": len(result.records),
                "oversized": result.oversized,
            }
        )
        ok = result.ok
    elif args.command == "read-back":
        ok = discs.read_back(args.carrier_id, args.path)
        out({"carrier": args.carrier_id, "ok": ok})
    elif args.command == "backup":
        result = backup.backup(args.root)
        out(result.__dict__)
    elif args.command == "restore":
        check = backup.restore(args.backup_dir, args.target, sample=args.sample)
        out({**check.__dict__, "ok": check.ok, "counts": backup.restore_counts(args.target)})
        ok = check.ok
    elif args.command == "migrate":
        report = migration.migrate(args.source, args.target)
        out(report.__dict__)
        ok = report.ok
    elif args.command == "convert":
        component = site.portal_catalog.unrestrictedSearchResults(UID=args.uid)[0].getObject()
        new, attestation = conversion.convert_component(component)
        out({"new": new.absolute_url() if new else None, "attestation": attestation})
    elif args.command == "alarms":
        out(alarms.open_alarms())
    transaction.commit()
    sys.exit(0 if ok else 1)


main(app)  # noqa: F821 — zconsole provides `app`
