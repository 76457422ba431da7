"""API v2's vehicle reads and commands as JSON: the endpoint tables, the renderers of each
read's body, the parsing of query and body values, and a read as a batch item."""
