"""The maintenance scripts' shared start (sd.archive.scripting): their arguments after the
script's path, the site opened as the user named; a script run as ``zconsole run`` runs it."""

import pathlib
import sys

import pytest
from AccessControl import getSecurityManager
from plone.app.testing import SITE_OWNER_NAME

from sd.archive.scripting import open_site

SCRIPTS = pathlib.Path(__file__).resolve().parents[3] / "scripts"


def zconsole_run(monkeypatch, app, script, *args):
    """Run ``scripts/<script>`` as ``zconsole run zope.conf scripts/<script> args`` does."""
    path = SCRIPTS / script
    monkeypatch.setattr(sys, "argv", ["zconsole", "run", "zope.conf", str(path), *args])
    code = compile(path.read_text("utf-8"), str(path), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(path), "app": app})  # noqa: S102


def test_open_site_as_a_user_of_the_zope_root(functional):
    site = open_site(functional["app"], "plone", SITE_OWNER_NAME)
    assert site.getId() == "plone"
    assert getSecurityManager().getUser().getId() == SITE_OWNER_NAME


@pytest.mark.parametrize("site, user", [("nowhere", SITE_OWNER_NAME), ("plone", "nobody")])
def test_open_site_refuses_a_missing_site_or_user(functional, site, user):
    with pytest.raises(SystemExit) as exit_:
        open_site(functional["app"], site, user)
    assert repr(site if site == "nowhere" else user) in str(exit_.value)


def test_recompute_expiry_script_runs_on_the_site(functional, monkeypatch, capsys):
    zconsole_run(
        monkeypatch,
        functional["app"],
        "recompute_expiry.py",
        "--site",
        "plone",
        "--user",
        SITE_OWNER_NAME,
    )
    assert "done: 0 records, 0 changed" in capsys.readouterr().out


def test_script_arguments_after_its_path(functional, monkeypatch, capsys):
    with pytest.raises(SystemExit):
        zconsole_run(monkeypatch, functional["app"], "supervision_rebuild.py", "--nonsense")
    assert "supervision_rebuild.py" in capsys.readouterr().err
