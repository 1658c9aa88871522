"""The OAuth 2.0 authorization server and OpenID Provider (on Authlib): endpoints, grants, tokens."""
