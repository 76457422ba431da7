"""The World and what it holds besides vehicles: applications (tenants), connections,
tokens, the clock, fault rules, latency, the request journal and fleets.
"""
