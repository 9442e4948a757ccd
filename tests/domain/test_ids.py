"""motcua.ids.new_uuid: canonical version-4 UUIDs, as uuid.uuid4 makes them, and not repeated."""
from __future__ import annotations

import uuid

from motcua.ids import new_uuid


def test_new_uuid_is_a_canonical_random_uuid() -> None:
    made = [new_uuid() for _ in range(20000)]
    assert len(set(made)) == len(made)
    variants = set()
    for text in made:
        u = uuid.UUID(text)
        assert str(u) == text  # canonical: lower case, hyphens where uuid puts them
        assert u.version == 4 and u.variant == uuid.RFC_4122
        variants.add(text[19])
    assert variants == set("89ab")  # all four variant nibbles occur: the random bits under them are kept
    # Every random nibble position takes many values (none fixed by mistake).
    for i, ch in enumerate(made[0]):
        if ch != "-" and i not in (14, 19):
            assert len({m[i] for m in made[:2000]}) == 16, i
