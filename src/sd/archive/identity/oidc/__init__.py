"""OpenID Connect sign-on (单点登录)."""
