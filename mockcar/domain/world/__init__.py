"""The World and what it holds besides vehicles: applications (tenants), connections,
tokens, the clock, fault rules, rate limits, latency, command executions and fleets.
"""
