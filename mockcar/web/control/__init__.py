"""mockcar's own control API under `/_mockcar/`: clock, vehicles, faults, journal,
applications (tenants), headless Connect and webhooks, for tests and scripts.
"""
