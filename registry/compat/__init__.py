"""Compatibility checks between schema versions (beyond AWS).

diff      typed changes between two versions and whom each breaks
modes     NONE, BACKWARD, FORWARD, FULL and their transitive forms; ``check``
service   modes per registry and schema, enforced when a version is added
"""
