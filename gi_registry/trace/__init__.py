"""Traceability (溯源): batches, signed trace codes, scans, QR labels and the consumer's trace page.

Modules: ``gtin`` (GS1 identifiers), ``signing`` (the printed code), ``issuance`` (codes under an
authorisation's quota), ``scans`` (scan log, client classes, rate limit), ``resolve`` (what a
code says), ``views``/``urls`` (the public pages and JSON), ``digital_link`` (GS1 Digital Link),
``labels`` (QR images, PDF label sheets, CSV/ZIP exports).
"""
