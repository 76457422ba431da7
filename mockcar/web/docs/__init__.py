"""Documents generated from the app's own tables: the OpenAPI document (`/openapi.json`)
and the Postman collection and environment.
"""
