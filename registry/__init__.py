"""The schema registry: registries, schemas, versions, discovery, validation at ingest."""
