"""API v3's signals: the catalogue of signal codes and their bodies, computed from the
same vehicle state as the v2 readings, permission by permission.
"""
