r"""Write an instance's zope.conf / zope.ini under a var directory (实例配置).

    python scripts/write_instance.py --storage filestorage --var instance/var \
        --listen localhost:8080
    python scripts/write_instance.py --storage relstorage \
        --dsn "host=127.0.0.1 port=5433 dbname=sdarchive user=postgres"

Templates live in instance/*.in; generated files go to <var>/etc. Existing data is never touched.
"""

import argparse
import pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent
INSTANCE = HERE / "instance"


def fill(template: str, values: dict) -> str:
    text = (INSTANCE / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def write(
    storage: str, var: pathlib.Path, listen: str, dsn: str = "", shared: pathlib.Path | None = None
) -> pathlib.Path:
    """``shared``: the directory of the ledger, audit trail, seal key and AIP locations
    (``SD_ARCHIVE_VAR``) when several workers serve one site (default: ``var`` itself)."""
    var = var.resolve()
    shared = (shared or var).resolve()
    shared.mkdir(parents=True, exist_ok=True)
    for sub in ("etc", "log", "filestorage", "blobstorage", "cache", "blobcache", "tmp"):
        (var / sub).mkdir(parents=True, exist_ok=True)
    (var / "blobstorage").chmod(0o700)
    values = {
        "INSTANCE": str(INSTANCE),
        "VAR": str(var),
        "LISTEN": listen,
        "DSN": dsn,
        "SHARED": str(shared),
    }
    (var / "etc" / "zope-common.conf").write_text(fill("zope-common.conf.in", values))
    (var / "etc" / "zope.conf").write_text(fill(f"zope-{storage}.conf.in", values))
    (var / "etc" / "zope.ini").write_text(fill("zope.ini.in", values))
    if storage == "zeo":
        (var / "etc" / "zeo.conf").write_text(fill("zeo.conf.in", values))
    return var / "etc" / "zope.conf"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--storage", choices=("filestorage", "relstorage", "zeo"), default="filestorage"
    )
    parser.add_argument("--var", default=str(INSTANCE / "var"))
    parser.add_argument("--listen", default="localhost:8080")
    parser.add_argument("--dsn", default="host=127.0.0.1 port=5433 dbname=sdarchive user=postgres")
    parser.add_argument("--shared", default=None, help="SD_ARCHIVE_VAR of several workers")
    args = parser.parse_args(argv)
    shared = pathlib.Path(args.shared) if args.shared else None
    print(write(args.storage, pathlib.Path(args.var), args.listen, args.dsn, shared))


if __name__ == "__main__":
    main()
