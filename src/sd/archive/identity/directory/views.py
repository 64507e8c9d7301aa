"""同步管理 page of the security administrator (安全保密管理员): ``@@directory-sync``.

Shows whether the platform is set up, the accounts and groups the sync keeps, the last run
(when, what kind, how long, the differences found, the errors) and the recent runs; runs a dry
run (试运行: what a sync would change, nothing changed) or a sync now; edits the agency
bindings (机关—全宗绑定) and the role mapping (职务/标签 → 业务角色). Times in 北京时间; no
JSON or token on the page.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

from sd.archive.browser.times import beijing_time
from sd.archive.core.errors import ArchiveError
from sd.archive.core.identity.directory import PREFIX
from sd.archive.identity.directory import store
from sd.archive.identity.directory.accounts import plugin as accounts_plugin
from sd.archive.identity.platform.settings import Settings

#: how each kind of change and status reads on the page (中文在前)
KIND_LABELS = {
    "group.add": "新建组 group added",
    "group.update": "组名称/路径变更 group renamed or moved",
    "account.add": "新建账号 account added",
    "account.update": "账号信息变更 account updated",
    "member.join": "加入组 joins group",
    "member.leave": "退出组 leaves group",
    "grant.local": "全宗本地角色变更 fonds role changed",
    "grant.global": "全局角色变更 global role changed",
    "account.disable": "停用账号 account disabled",
    "group.remove": "删除组 group removed",
}
STATUS_LABELS = {
    "ok": "成功 ok",
    "dry-run": "未改动 nothing changed",
    "unreachable": "目录接口不可达 unreachable",
    "malformed": "目录返回格式错误 malformed answer",
    "failed": "失败 failed",
}
RUN_KINDS = {
    "full": "全量同步 full",
    "incremental": "增量同步 incremental",
    "dry-run": "试运行 dry run",
}


class DirectorySyncView(BrowserView):
    """同步管理."""

    template = ViewPageTemplateFile("templates/sync.pt")
    kind_labels = KIND_LABELS

    def __call__(self):
        self.result = None
        self.errors = []
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.handle(self.request.form)
        return self.template()

    def handle(self, form):
        if "save" in form:
            try:
                store.save_settings(self.context, form.get("bindings", ""), form.get("mapping", ""))
                self.result = {"message": "已保存绑定与映射 bindings and mapping saved"}
            except ArchiveError as error:
                self.errors = [p.as_dict() for p in error.problems]
            return
        if "dry_run" in form or "sync_now" in form:
            from sd.archive.identity.directory.sync import full_sync
            from sd.archive.identity.platform.settings import client

            try:
                platform = client()
            except ArchiveError as error:
                self.errors = [p.as_dict() for p in error.problems]
                return
            outcome = full_sync(
                self.context, platform, dry_run="dry_run" in form, root=Settings().root_department
            )
            self.result = self.run_view(outcome.summary())

    # -- what the page shows ---------------------------------------------------------------

    def settings(self):
        settings = Settings()
        try:
            settings.secret()
            secret_state = "已配置 set"  # noqa: S105 (a label, not a secret)
        except ArchiveError:
            secret_state = f"未配置 not set（环境变量 {settings.secret_env}）"
        return {
            "url": settings.platform_url or "未配置 not set",
            "corp_id": settings.corp_id or "未配置 not set",
            "agent_id": settings.agent_id or "—",
            "secret": secret_state,
            "sign_on": "已启用 on" if settings.sign_on_enabled else "未启用 off",
            "schedule": (
                f"每 {settings.full_sync_hours} 小时 every {settings.full_sync_hours} h"
                if settings.full_sync_hours
                else "不定时 none"
            ),
        }

    def counts(self):
        accounts = accounts_plugin(self.context, create=False)
        active = sum(1 for _ in accounts.active()) if accounts is not None else 0
        disabled = len(accounts._disabled) if accounts is not None else 0
        groups = self.context.acl_users.source_groups._groups
        managed = sum(1 for g in groups.keys(min=PREFIX) if g.startswith(PREFIX))
        return {"active": active, "disabled": disabled, "groups": managed}

    def bindings_text(self):
        return "\n".join(f"{d} = {f}" for d, f in store.bindings(self.context).items())

    def mapping_text(self):
        return store.mapping_text(self.context)

    def runs(self):
        return [self.run_view(run) for run in reversed(store.runs(self.context))]

    def last_run(self):
        runs = store.runs(self.context)
        return self.run_view(runs[-1]) if runs else None

    def run_view(self, run):
        started = datetime.fromtimestamp(run.get("started", 0), UTC).isoformat()
        counts = run.get("counts", {})
        return {
            "when": beijing_time(started),
            "kind": RUN_KINDS.get(run.get("kind"), run.get("kind")),
            "status": STATUS_LABELS.get(run.get("status"), run.get("status")),
            "failed": run.get("status") in ("unreachable", "malformed", "failed"),
            "seconds": run.get("seconds", 0),
            "counts": [(KIND_LABELS.get(k, k), n) for k, n in counts.items()],
            "total": run.get("total_changes", 0),
            "changes": [self.change_view(c) for c in run.get("changes", [])],
            "problems": run.get("problems", []),
            "skipped": run.get("skipped", []),
            "notes": run.get("notes", []),
        }

    def change_view(self, change):
        def text(value):
            if isinstance(value, dict):
                return value.get("title") or value.get("name") or ""
            if isinstance(value, list):
                return "、".join(str(v) for v in value)
            return "" if value is None else str(value)

        return {
            "kind": KIND_LABELS.get(change["kind"], change["kind"]),
            "subject": change["subject"],
            "target": change.get("target", ""),
            "before": text(change.get("before")),
            "after": text(change.get("after")),
        }
