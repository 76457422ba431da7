"""A scenario vehicle's `timeline:` turned into its motion, and the named trip profiles
(commute, road trip, overnight charge) that stand for common ones.
"""
