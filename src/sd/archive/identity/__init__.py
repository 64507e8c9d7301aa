"""Identity (统一身份认证, #27): OpenID Connect sign-on, the province platform's sign-on,
organisation-tree sync."""
