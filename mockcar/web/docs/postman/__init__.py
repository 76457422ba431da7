"""The Postman collection and environment: the v2 and v3 folders, the control-API tour
and the headless setup folder, built on one small model of Postman's format.
"""
