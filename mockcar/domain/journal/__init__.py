"""The request journal: what each tenant received, kept raw in a bounded ring, and the
redaction that shows it without secrets.
"""
