"""Validation at ingest: events checked against a registry schema bound to their kind.

convert     stored OpenAPI 3 / Draft 4 content -> one JSON Schema of the event
validator   compiled validators (jsonschema-rs) and their cache
bindings    which schema and mode apply to (bus, source, detail-type)
check       the IngestService check that applies them to every PutEvents entry
"""
