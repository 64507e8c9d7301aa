"""A contract stub of the province platform's API (山东通开放接口契约桩).

No public server of the platform exists, so this small real HTTP server (``http.server`` in a
thread, HTTP/1.1 keep-alive) follows the request and response shapes the platform publishes,
which are WeCom government edition's (政务微信) — see
``sd.archive.identity.platform.client`` for the table and ``docs/identity-directory.md``:

* ``GET /cgi-bin/gettoken?corpid&corpsecret`` → ``access_token``, ``expires_in``
* ``GET /cgi-bin/auth/getuserinfo?access_token&code`` → ``userid`` (a code works once;
  ``errcode`` 40029 after)
* ``GET /cgi-bin/user/get?access_token&userid`` → the member (60111 unknown)
* ``GET /cgi-bin/department/list?access_token[&id]`` → ``department``
* ``GET /cgi-bin/user/list?access_token&department_id`` → ``userlist``
* ``GET /connect/oauth2/authorize?appid&redirect_uri&response_type=code&scope&agentid&state``
  → 302 to ``redirect_uri?code=…&state=…`` for the member the test chose (``sign_in_as``)
* change events are posted *by* the platform to the archives' callback
  (:meth:`PlatformStub.post_event`), signed as WeCom signs them (``msg_signature``).

The client-side contract tests (``tests/plone/identity_directory/test_platform_contract.py``) run
the same against any server that speaks these shapes: set ``SD_ARCHIVE_PLATFORM_URL``,
``SD_ARCHIVE_PLATFORM_CORPID``, ``SD_ARCHIVE_PLATFORM_SECRET`` (and
``SD_ARCHIVE_PLATFORM_USERID`` of a member there). The sync cases change the directory, which
only the stub lets a test do (its Python methods, not HTTP).
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

CORP_ID = "ww-sd-archive-test"
SECRET = "stub-secret-not-for-production"


class PlatformStub:
    """The directory (departments, members), the issued tokens and codes, and a mode: ``ok``,
    ``down`` (every call answers 503) or ``malformed`` (the department list is not a list)."""

    def __init__(self, corp_id: str = CORP_ID, secret: str = SECRET):
        self.corp_id = corp_id
        self.secret = secret
        self.departments: dict[int, dict] = {}
        self.members: dict[str, dict] = {}
        self.tokens: set[str] = set()
        self.codes: dict[str, str] = {}
        self.mode = "ok"
        self.calls: list[str] = []
        self._signed_in = None
        self._by_department: dict[int, list[str]] | None = None
        self.server = None
        self.thread = None

    # -- the directory, as a test changes it -------------------------------------------------

    def add_department(self, dep_id: int, name: str, parent: int = 0, order: int = 0):
        self.departments[dep_id] = {"id": dep_id, "name": name, "parentid": parent, "order": order}
        self._by_department = None

    def add_member(self, user_id, name, departments, position="", tags=(), status=1, email=""):
        self.members[user_id] = {
            "userid": user_id,
            "name": name,
            "department": list(departments),
            "position": position,
            "tags": list(tags),
            "email": email or f"{user_id}@example.gov.cn",
            "mobile": "",
            "status": status,
        }
        self._by_department = None

    def update_member(self, user_id, **fields):
        self.members[user_id].update(fields)
        self._by_department = None

    def remove_member(self, user_id):
        del self.members[user_id]
        self._by_department = None

    def sign_in_as(self, user_id):
        """The member who "signs in" at the platform on the next authorize request."""
        self._signed_in = user_id

    def issue_code(self, user_id) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = user_id
        return code

    # -- the server ------------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (``port`` 0: a free one); returns the base URL."""
        stub = self

        class Handler(_Handler):
            platform = stub

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.url

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # -- answers ---------------------------------------------------------------------------

    def answer(self, path: str, query: dict) -> tuple[int, dict | str, dict]:
        self.calls.append(path)
        if self.mode == "down":
            return 503, "unavailable", {}
        if path == "/connect/oauth2/authorize":
            return self._authorize(query)
        if path == "/cgi-bin/gettoken":
            if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}, {}
            token = secrets.token_hex(16)
            self.tokens.add(token)
            return (
                200,
                {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200},
                {},
            )
        if query.get("access_token") not in self.tokens:
            return 200, {"errcode": 40014, "errmsg": "invalid access_token"}, {}
        handler = {
            "/cgi-bin/auth/getuserinfo": self._userinfo,
            "/cgi-bin/user/get": self._user,
            "/cgi-bin/department/list": self._department_list,
            "/cgi-bin/user/list": self._user_list,
        }.get(path)
        if handler is None:
            return 404, "not found", {}
        return 200, handler(query), {}

    def _authorize(self, query):
        code = self.issue_code(self._signed_in) if self._signed_in else ""
        target = query.get("redirect_uri", "")
        joiner = "&" if "?" in target else "?"
        location = f"{target}{joiner}{urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, "", {"Location": location}

    def _userinfo(self, query):
        user_id = self.codes.pop(query.get("code", ""), None)
        if user_id is None:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"errcode": 0, "errmsg": "ok", "userid": user_id}

    def _user(self, query):
        member = self.members.get(query.get("userid", ""))
        if member is None:
            return {"errcode": 60111, "errmsg": "userid not found"}
        return {"errcode": 0, "errmsg": "ok", **member}

    def _department_list(self, query):
        if self.mode == "malformed":
            return {"errcode": 0, "errmsg": "ok", "department": "<html>gateway error</html>"}
        deps = list(self.departments.values())
        if query.get("id"):
            root = int(query["id"])
            keep = {root}
            changed = True
            while changed:
                changed = False
                for dep in deps:
                    if dep["parentid"] in keep and dep["id"] not in keep:
                        keep.add(dep["id"])
                        changed = True
            deps = [d for d in deps if d["id"] in keep]
        return {"errcode": 0, "errmsg": "ok", "department": deps}

    def _user_list(self, query):
        if self._by_department is None:
            index: dict[int, list[str]] = {}
            for user_id, member in self.members.items():
                for dep in member["department"]:
                    index.setdefault(dep, []).append(user_id)
            self._by_department = index
        try:
            dep = int(query.get("department_id", ""))
        except ValueError:
            return {"errcode": 60003, "errmsg": "department not found"}
        users = [self.members[u] for u in self._by_department.get(dep, ())]
        return {"errcode": 0, "errmsg": "ok", "userlist": users}


def demo_province(stub: PlatformStub) -> None:
    """The small province of the tests and the development server: 山东省 / 省档案局 / 办公室,
    省财政厅 / 综合处; 张三 (records officer, 办公室), 李四 (records officer, 综合处), 王五
    (tag 分管领导), 赵六."""
    stub.add_department(1, "山东省")
    stub.add_department(2, "省档案局", 1)
    stub.add_department(3, "办公室", 2)
    stub.add_department(4, "省财政厅", 1)
    stub.add_department(5, "综合处", 4)
    stub.add_member("zhang", "张三", [3], position="档案员")
    stub.add_member("li", "李四", [5], position="档案员")
    stub.add_member("wang", "王五", [5], position="科员", tags=["分管领导"])
    stub.add_member("zhao", "赵六", [4], position="科员")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed ACK)
    platform: PlatformStub

    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        status, body, headers = self.platform.answer(parts.path, query)
        data = (json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # quiet
        pass
