"""The mappings the World keeps its records in: stores that drop expired entries from the
front, and dicts that note which keys changed (for the state file)."""
