"""Smartcar Connect, the pages a person walks in a browser: the authorize request, the
steps (preamble, brand, sign-in, permissions), re-authentication, and the redirect back.
"""
