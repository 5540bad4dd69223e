"""Which snapshots a run keeps in the store: a bounded set, evenly spread over all its steps."""

from __future__ import annotations

from collections.abc import Iterable


class SnapshotPlan:
    """Which snapshots a run keeps: at most `limit`, spread evenly over the steps run so far.

    An offered snapshot is kept when it is at least `stride` steps past the last kept one.
    When more than `limit` are kept, every second one goes (the first and the newest stay) and
    the stride becomes the mean gap of those left. So a run of any length keeps between
    limit/2 and limit snapshots evenly spread over all of it, and writes only about
    limit/2 per doubling of its length. Evenly, not denser near the end as History's memory
    thinning: a replay's timeline slider is linear in steps. The recorder also keeps the
    newest snapshot as a "tail" frame, so the end of a run is always there to see.
    """

    def __init__(self, limit: int, kept: Iterable[tuple[int, int]] = ()):
        if limit < 2:
            raise ValueError("a run keeps at least 2 snapshots")
        self.limit = limit
        self.kept = list(kept)  # (seq, step), oldest first
        self.stride = self._mean_gap() if len(self.kept) > limit // 2 else 0.0

    def _mean_gap(self) -> float:
        if len(self.kept) < 2:
            return 0.0
        return (self.kept[-1][1] - self.kept[0][1]) / (len(self.kept) - 1)

    def offer(self, seq: int, step: int) -> tuple[bool, list[int]]:
        """Whether to keep this snapshot, and the seqs of kept ones to drop now."""
        if self.kept and step - self.kept[-1][1] < self.stride:
            return False, []
        self.kept.append((seq, step))
        if len(self.kept) <= self.limit:
            return True, []
        last = len(self.kept) - 1
        dropped = [self.kept[i][0] for i in range(1, last, 2)]
        self.kept = [k for i, k in enumerate(self.kept) if i % 2 == 0 or i == last]
        self.stride = self._mean_gap()
        return True, dropped
