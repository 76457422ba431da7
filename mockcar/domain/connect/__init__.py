"""Connect's rules without HTTP: the step machine and what approval creates (flow), typed
sessions (session), the request and brands (authorization, brands), headless Connect
(headless) and the test-mode login conventions (test_accounts).
"""
