"""Open interfaces (接口): EPCIS 2.0 capture and query, API tokens, change feeds and webhooks.

An app of its own (label ``interfaces``) beside protection, on top of traceability and the
registry: it reads their models and listens to their signals; nothing below imports it.
"""
