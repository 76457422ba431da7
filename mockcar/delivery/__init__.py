"""Webhook deliveries over HTTP: the asyncio dispatcher, the payloads' wire shapes and
the app lifespan that runs them. It does I/O, so it is not domain; the domain
(mockcar.domain.webhooks.deliveries, deliveries_watch) decides what is sent and keeps the log."""
