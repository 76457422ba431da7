"""Connect's rules without HTTP: the test-mode login conventions (trigger emails, VIN
logins, n-vehicle accounts) and what a signed-in account may choose.
"""
