"""motcua.ids: canonical version-4 UUIDs as uuid.uuid4 makes them, and version-7 ones ordered by time; not repeated."""
from __future__ import annotations

import time
import uuid

from motcua.ids import new_time_uuid, new_uuid


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


def test_new_time_uuid_is_a_canonical_version_7_uuid_ordered_by_its_millisecond() -> None:
    now_ms = time.time_ns() // 1_000_000
    made = [new_time_uuid() for _ in range(20000)]
    after_ms = time.time_ns() // 1_000_000
    assert len(set(made)) == len(made)
    variants = set()
    for text in made:
        u = uuid.UUID(text)
        assert str(u) == text
        assert u.version == 7 and u.variant == uuid.RFC_4122
        assert now_ms <= u.int >> 80 <= after_ms  # the first 48 bits are the Unix milliseconds of making
        variants.add(text[19])
    assert variants == set("89ab")
    # The 74 bits after the time are random: every such nibble position takes many values.
    for i in (15, 16, 17, 20, 24, 35):
        assert len({m[i] for m in made[:2000]}) == 16, i


def test_new_time_uuid_sorts_by_time_across_milliseconds_and_keeps_randomness_within_one() -> None:
    base = 1_790_000_000_000  # 2026-09: a 48-bit millisecond count
    made = [new_time_uuid(base + ms) for ms in (0, 1, 2, 1000, 86_400_000) for _ in range(200)]
    # Text order (what SQLite's B-tree sorts) is time order, whatever the random tail.
    assert [uuid.UUID(t).int >> 80 for t in sorted(made)] == [uuid.UUID(t).int >> 80 for t in made]
    assert uuid.UUID(made[0]).int >> 80 == base
    same_ms = made[:200]
    assert len(set(same_ms)) == 200 and sorted(same_ms) != same_ms  # not a counter: random within a millisecond
    assert max(made[:200]) < min(made[200:400])
