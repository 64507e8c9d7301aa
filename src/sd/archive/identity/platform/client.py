"""The province platform's API client (山东通开放接口客户端).

The platform (山东通) is built on WeCom's government edition (政务微信), and its server API
follows WeCom's published shapes; these are the calls used (every answer is JSON with
``errcode`` 0 on success, ``errmsg`` and the fields named):

=========================================================  ========================================
call                                                       answer
=========================================================  ========================================
``GET /cgi-bin/gettoken?corpid=ID&corpsecret=SECRET``      ``access_token``, ``expires_in`` (s)
``GET /cgi-bin/auth/getuserinfo?access_token=T&code=C``    ``userid`` of the member who signed in
                                                           (``errcode`` 40029 for an invalid or used
                                                           code)
``GET /cgi-bin/user/get?access_token=T&userid=U``          the member: ``userid``, ``name``,
                                                           ``department`` (ids), ``position``,
                                                           ``email``, ``mobile``, ``status``
                                                           (1 active, 2 disabled, 4 not
                                                           activated, 5 left),
                                                           ``tags`` (the platform's extension);
                                                           ``errcode`` 60111 when unknown
``GET /cgi-bin/department/list?access_token=T[&id=D]``     ``department``: ``id``, ``name``,
                                                           ``parentid``, ``order``
``GET /cgi-bin/user/list?access_token=T&department_id=D``  ``userlist``: the members directly in D,
                                                           each as ``user/get``
=========================================================  ========================================

The web authorization (网页授权) sends the browser to
``{platform}/connect/oauth2/authorize?appid=CORPID&redirect_uri=…&response_type=code``
``&scope=snsapi_base&agentid=AGENTID&state=STATE#wechat_redirect``;
the platform sends it back with ``code`` and ``state``.

Failures are :class:`~sd.archive.core.identity.directory.DirectoryUnreachable` (no answer,
an HTTP error, an expired token that a renewal does not fix) or
:class:`~sd.archive.core.identity.directory.MalformedAnswer` (not JSON, not the shape).
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlencode

import requests

from sd.archive.core.errors import Problem
from sd.archive.core.identity.directory import DirectoryUnreachable
from sd.archive.core.identity.directory import MalformedAnswer

TOKEN_ERRORS = {40014, 42001}  # invalid / expired access_token: renew once and retry
UNKNOWN_USER = 60111
INVALID_CODE = 40029


class PlatformError(Exception):
    """The platform answered with an error code the caller handles (an unknown member, a used
    code)."""

    def __init__(self, errcode, errmsg):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class PlatformClient:
    """One platform (``base_url``), one organisation (``corp_id``) and its application secret."""

    def __init__(self, base_url: str, corp_id: str, secret: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.corp_id = corp_id
        self.secret = secret
        self.timeout = timeout
        self._local = threading.local()  # one HTTP session (keep-alive) per thread
        self._token = None
        self._expires = 0.0
        self._lock = threading.Lock()

    # -- web authorization ---------------------------------------------------------------------

    def authorize_url(self, agent_id: str, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {
                "appid": self.corp_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "agentid": agent_id,
                "state": state,
            }
        )
        return f"{self.base_url}/connect/oauth2/authorize?{query}#wechat_redirect"

    def user_id_for_code(self, code: str) -> str:
        """The user id a sign-on ``code`` stands for (PlatformError 40029: invalid or used)."""
        answer = self._call("/cgi-bin/auth/getuserinfo", code=code)
        user_id = answer.get("userid") or answer.get("UserId")
        if not isinstance(user_id, str) or not user_id:
            raise MalformedAnswer(
                [
                    Problem(
                        "directory.shape",
                        "应答缺少 userid: no userid",
                        "auth/getuserinfo",
                        "directory",
                    )
                ]
            )
        return user_id

    # -- directory -------------------------------------------------------------------------------

    def user(self, user_id: str) -> dict:
        return self._call("/cgi-bin/user/get", userid=user_id)

    def departments(self, root: str = "") -> dict:
        return self._call("/cgi-bin/department/list", **({"id": root} if root else {}))

    def members(self, department_id: str) -> dict:
        return self._call("/cgi-bin/user/list", department_id=department_id)

    # -- plumbing --------------------------------------------------------------------------------

    def token(self, renew: bool = False) -> str:
        with self._lock:
            if renew or self._token is None or time.monotonic() >= self._expires:
                answer = self._get("/cgi-bin/gettoken", corpid=self.corp_id, corpsecret=self.secret)
                if answer.get("errcode", 0) != 0 or not isinstance(answer.get("access_token"), str):
                    raise DirectoryUnreachable(
                        f"gettoken 失败 {answer.get('errcode')}: {answer.get('errmsg', '')}"
                    )
                self._token = answer["access_token"]
                expires_in = answer.get("expires_in", 7200)
                self._expires = time.monotonic() + max(
                    60, int(expires_in) - 300 if isinstance(expires_in, int) else 0
                )
            return self._token

    def _call(self, path: str, **params) -> dict:
        """GET ``path`` with the access token; a token error renews it once; another error code
        raises PlatformError (the caller decides)."""
        for attempt in (0, 1):
            answer = self._get(path, access_token=self.token(renew=attempt == 1), **params)
            errcode = answer.get("errcode", 0)
            if errcode in TOKEN_ERRORS and attempt == 0:
                continue
            if errcode != 0:
                raise PlatformError(errcode, str(answer.get("errmsg", "")))
            return answer
        raise DirectoryUnreachable("access_token 无效: the access token was refused twice")

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _get(self, path: str, **params) -> dict:
        try:
            response = self._session().get(
                f"{self.base_url}{path}", params=params, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise DirectoryUnreachable(f"{path}: {type(error).__name__}") from None
        if response.status_code >= 500 or response.status_code in (404, 401, 403, 429):
            raise DirectoryUnreachable(f"{path}: HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise MalformedAnswer(
                [
                    Problem(
                        "directory.json", "应答不是 JSON: the answer is not JSON", path, "directory"
                    )
                ]
            ) from None
        if not isinstance(answer, dict):
            raise MalformedAnswer(
                [
                    Problem(
                        "directory.shape",
                        "应答不是 JSON 对象: the answer is not a JSON object",
                        path,
                        "directory",
                    )
                ]
            )
        return answer
