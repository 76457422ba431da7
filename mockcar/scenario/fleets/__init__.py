"""Generated fleets: a scenario's `fleets:` drawn into a compact table of vehicles and
owners, and the rules that span a fleet's fields.
"""
