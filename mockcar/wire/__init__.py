"""The JSON Smartcar's APIs speak, built from domain values and free of HTTP: API v2's
response bodies, its endpoint tables and error objects. The HTTP layer (mockcar.web) and
webhook delivery (mockcar.delivery, whose v2 `scheduled` payloads carry the same reads)
both write through it."""
