"""HTTP endpoints: thin handlers that parse, call the domain and serialize."""
