"""Routing matched events to targets."""
