"""Schema discovery: discoverers (which buses), and the worker that turns their traffic into
versions of the ``discovered-schemas`` registry.

    discoverers   the Discoverers API's resources and their consumer groups
    shapes        the per-event fingerprint that spares the schema builder known shapes
    engine        events -> merged schemas -> new versions only when the schema changed
    openapi       a stored discovered schema read back into the builder
    sink          the registry as the engine's destination
    worker        reads the bus logs, feeds the engine, acknowledges after storing
"""
