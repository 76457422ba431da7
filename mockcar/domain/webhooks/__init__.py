"""Webhooks: an application's webhooks and subscriptions, the deliveries they owe (watched
from state changes and schedules), and their payload signatures.
"""
