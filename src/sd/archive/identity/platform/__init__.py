"""The province platform's OAuth2 sign-on (山东通登录)."""
