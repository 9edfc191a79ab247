"""The bounds a pattern must stay within; each one says where the number comes from."""

from __future__ import annotations

#: Longest EventPattern string the API takes (botocore's ``events`` model: max 4096).
#: AWS's default account quota is 2,048 characters, adjustable up to this bound, so the
#: service may pass a lower ``max_length`` to ``compile_pattern``.
MAX_PATTERN_LENGTH = 4096

#: Most branches one pattern may expand to once every ``$or`` is multiplied out. AWS
#: documents no number; this bound keeps a 4 KiB pattern from expanding exponentially
#: (nested ``$or`` multiply) while staying far above what real rules use.
MAX_BRANCHES = 1000

#: Most wildcard automaton states that may be live at once for one field of one pattern
#: (see ``values.wildcard_complexity``). AWS rejects ``*:*:*:*:*:event-bus/*`` and four
#: ``*:stack/NAME/*`` alternatives on one field, and accepts three of those; 10 is the
#: bound that reproduces all of these.
MAX_WILDCARD_COMPLEXITY = 10
