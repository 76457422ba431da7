"""Vehicles that move with the clock: a timeline of parked, driving and charging segments
folded into the state at any instant, with routes and charge curves.
"""
