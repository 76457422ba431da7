"""Smartcar's Auth host: the OAuth 2.0 token endpoints, `/oauth/token` (authorization
code, refresh token) and `/oauth2/token` (application tokens by client credentials).
"""
