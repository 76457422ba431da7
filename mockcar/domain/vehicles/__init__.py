"""Vehicles: their state, readings, commands and charging, the make-specific endpoints,
the capability table and compatibility, units and brands.
"""
