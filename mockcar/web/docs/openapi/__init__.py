"""The OpenAPI 3.1 document: its model, the shared schemas, the operations of the
platform and control routes, and the rows of the v2 vehicle endpoints.
"""
