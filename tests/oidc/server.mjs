// The OpenID provider (身份提供方) of sd.archive's tests and of the development demo
// (`make start-oidc`): node-oidc-provider (OpenID Certified), pinned in package-lock.json.
//
// It is a real provider: discovery, JWKS, authorization code flow with PKCE, refresh tokens,
// userinfo, RP-initiated logout (end session). Its own parts are only what a test needs:
//   * a plain login page (`/interaction/:uid`, fields #login / #password, button #submit);
//   * first-party consent: the client's requested scopes are granted without a consent page;
//   * `POST /__test/tamper {"mode": ...}`: the NEXT token response carries a bad ID token —
//     `forged` (signed with a key the provider never published, same `kid`), `expired`,
//     `wrong-aud`, `wrong-iss` — so the tests can check the relying party refuses it;
//   * `POST /__test/disable {"sub": ...}`: the account is gone (a refresh is then refused);
//     `POST /__test/reset`: every account back, no tampering.
// Never run it as a production provider: the users and their passwords come from a JSON file.
//
// Environment: OP_PORT (required), OP_ISSUER (default http://localhost:OP_PORT),
// OP_USERS (JSON file: [{sub, password, claims...}], default users.json beside this file),
// OP_CLIENT_ID, OP_CLIENT_SECRET, OP_REDIRECT_URIS, OP_POST_LOGOUT_URIS (comma-separated),
// OP_ACCESS_TTL (seconds, default 600).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const port = Number(env.OP_PORT);
const issuer = env.OP_ISSUER || `http://localhost:${port}`;
const split = (value) => (value || '').split(',').map((s) => s.trim()).filter(Boolean);
const users = JSON.parse(readFileSync(env.OP_USERS || join(here, 'users.json'), 'utf8'));
const disabled = new Set();
let tamper = '';

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'sd-archive-test-op', alg: 'RS256', use: 'sig' };
const { privateKey: foreignKey } = await jose.generateKeyPair('RS256');

function account(sub) {
  if (disabled.has(sub)) return undefined;
  return users.find((u) => u.sub === sub);
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: env.OP_CLIENT_ID || 'sd-archive',
    client_secret: env.OP_CLIENT_SECRET || 'sd-archive-test-secret',
    redirect_uris: split(env.OP_REDIRECT_URIS),
    post_logout_redirect_uris: split(env.OP_POST_LOGOUT_URIS),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['sd-archive-test-op-cookie-key'] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email', 'email_verified'],
    org: ['department', 'departments', 'position', 'groups', 'roles'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'org'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('退出登录 Sign out', `${form}
          <p>是否退出统一身份认证？ Sign out of the identity provider?</p>
          <button id="logout-yes" type="submit" form="op.logoutForm" value="yes" name="logout">退出 Sign out</button>`);
      },
    },
  },
  pkce: { required: () => true },
  ttl: {
    AccessToken: Number(env.OP_ACCESS_TTL || 600),
    AuthorizationCode: 60,
    IdToken: 600,
    RefreshToken: 86400,
    Grant: 86400,
    Interaction: 600,
    Session: 86400,
  },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  // first-party client: the requested scopes are granted without a consent page
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, sub) => {
    const user = account(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      claims: async () => {
        const { password, ...claims } = user;
        return claims;
      },
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('错误 Error', `<pre id="op-error">${escape(JSON.stringify(out))}</pre>`);
  },
});
provider.proxy = true;

// the next token response carries a bad ID token (see the header)
provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route !== 'token' || !tamper || !ctx.body?.id_token) return;
  const mode = tamper;
  tamper = '';
  const claims = jose.decodeJwt(ctx.body.id_token);
  const now = Math.floor(Date.now() / 1000);
  let key = privateKey;
  if (mode === 'forged') key = foreignKey;
  if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  if (mode === 'wrong-aud') claims.aud = 'another-client';
  if (mode === 'wrong-iss') claims.iss = 'http://evil.example.org';
  ctx.body = {
    ...ctx.body,
    id_token: await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid })
      .sign(key),
  };
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>测试身份提供方 Test identity provider</h1>${body}</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] || '').includes('json')) return JSON.parse(text || '{}');
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'interaction mismatch');
  if (req.method === 'POST') {
    const form = await readForm(req);
    const user = users.find((u) => u.sub === form.login && u.password === form.password);
    if (!user || disabled.has(user.sub)) {
      return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, '用户名或密码错误 Wrong login or password'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }
  if (details.prompt.name === 'login') return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, ''));
  // consent is granted by loadExistingGrant; anything else is not expected here
  return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
}

function loginPage(uid, error) {
  return page('登录 Sign in', `${error ? `<p id="op-login-error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}">
  <label>用户名 Login <input id="login" name="login" autofocus></label>
  <label>密码 Password <input id="password" name="password" type="password"></label>
  <button id="submit" type="submit">登录 Sign in</button>
</form>`);
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([\w-]+)$/);
    if (match) return await interaction(req, res, match[1]);
    if (url.pathname === '/__test/tamper' && req.method === 'POST') {
      tamper = (await readForm(req)).mode || '';
      return send(res, 200, 'application/json', JSON.stringify({ tamper }));
    }
    if (url.pathname === '/__test/reset' && req.method === 'POST') {
      disabled.clear();
      tamper = '';
      return send(res, 200, 'application/json', '{}');
    }
    if (url.pathname === '/__test/disable' && req.method === 'POST') {
      disabled.add((await readForm(req)).sub);
      return send(res, 200, 'application/json', JSON.stringify({ disabled: [...disabled] }));
    }
    return callback(req, res);
  } catch (error) {
    console.error(error);
    return send(res, 500, 'text/plain', String(error));
  }
});
server.listen(port, 'localhost', () => console.log(`test OP ready on ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
