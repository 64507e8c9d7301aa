"""Set up one ledger node (账本节点): site, origin, own URL, a few archived records.

    SD_ARCHIVE_LEDGER_ORIGIN=ledger.test/node1 zconsole run VAR/etc/zope.conf \
        scripts/ledger_node.py --site archive --url http://localhost:8181/archive --records 2

Runs scripts/create_site.py first (the install makes the node key under VAR/ledger with the
origin from $SD_ARCHIVE_LEDGER_ORIGIN), then records this node's URL in its admitted-node line
and archives ``--records`` records (each logged) of the kind its ``--domain`` takes in.
Prints one JSON line: origin, vkey, url, record URLs. Idempotent.
"""

import argparse
import json
import pathlib
import runpy
import sys

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite

# zconsole runs the script without __file__: find it on the command line
HERE = pathlib.Path(next(a for a in sys.argv if a.endswith("ledger_node.py"))).resolve().parent


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="archive")
    parser.add_argument("--url", required=True)
    parser.add_argument("--records", type=int, default=2)
    parser.add_argument("--year", type=int, default=2023, help="年度 of the records")
    parser.add_argument("--domain", default="administrative", help="the node's network domain")
    script = next((i for i, a in enumerate(sys.argv) if a.endswith("ledger_node.py")), 0)
    return parser.parse_args(sys.argv[script + 1 :])


def main(app):
    args = parse_args()
    argv = sys.argv
    # run_path puts the path in argv[0]
    sys.argv = ["create_site.py", "--site", args.site, "--domain", args.domain]
    try:
        runpy.run_path(str(HERE / "create_site.py"), init_globals={"app": app})
    finally:
        sys.argv = argv
    site = app[args.site]
    setSite(site)
    newSecurityManager(None, app.acl_users.getUserById("admin").__of__(app.acl_users))
    from plone import api

    from sd.archive.ledger import node as nodes
    from sd.archive.ledger.current import current_ledger
    from sd.archive.numbering import assign_code
    from sd.archive.testing import make_fonds
    from sd.archive.testing import make_record

    ledger = current_ledger(site)
    mine = nodes.self_node(ledger.node, args.url)
    if mine not in nodes.admitted_nodes():
        nodes.admit(mine)
    fonds = site.get("j001") or make_fonds(site)
    urls = []
    for n in range(1, args.records + 1):
        record = fonds.get(f"r-oa-j001-{n:06d}")
        if record is None:
            record = make_record(
                fonds,
                n,
                year=args.year,
                record_kind="政务服务电子文件" if args.domain == "public-service" else "电子公文",
                agency_name="山东省示例厅",
                author="山东省示例厅",
                document_type="通知",
                pages=1,
                security_level="公开",
                aggregation_level="文件",
                document_date=__import__("datetime").date(args.year, 5, 12),
                process_history=[
                    {
                        "sequence": 1,
                        "activity": "拟稿",
                        "agent": "张三",
                        "time": f"{args.year}-05-01T10:00:00+08:00",
                        "department": "办公室",
                        "description": "",
                    }
                ],
            )
            assign_code(record, "WS", args.year, "Y", "BGS")
            api.content.transition(record, transition="archive")
        urls.append(args.url + "/" + "/".join(record.getPhysicalPath()[2:]))
    transaction.commit()
    print(
        json.dumps(
            {
                "origin": ledger.origin,
                "vkey": ledger.vkey,
                "url": args.url,
                "hash_alg": ledger.node.hash_alg,
                "records": urls,
            }
        )
    )


main(app)  # noqa: F821 — zconsole provides `app`
