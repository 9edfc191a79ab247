"""Target adapters: each turns a ``Delivery`` into a call to one kind of target.

An adapter has ``async deliver(delivery)``, which returns once the target accepted the
delivery and raises ``DeliveryFailed`` otherwise (``retryable`` or not), so the delivery
worker can retry, dead-letter or acknowledge without knowing the target.
"""
