"""The typed schema of a scenario file (pydantic models, version 1), one module per
section (fleets, timelines, latency, faults, webhooks), and its JSON Schema.
"""
