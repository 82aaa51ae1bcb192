"""The parameters a run keeps for its timeline: every step while it is short, thinned evenly
as it grows, so a run of any length stays a few MB in its file.

The rule (docs/CONTRACTS.md, "Training a document"): a step is kept when it is a multiple of
the stride (1 at first); once more than ``max_kept`` steps are held, every other one is
dropped and the stride doubles. The last step is always kept, so a finished run can be put
back exactly where it ended.
"""

from __future__ import annotations

import numpy as np

from mgstudio.document.training_format import MAX_CHECKPOINT_VALUES

#: at most this many kept steps per run, and about this many numbers over all of them
MAX_KEPT = 2_000
MAX_KEPT_VALUES = 250_000
#: the fewest kept steps, however many parameters (a timeline needs some resolution)
MIN_KEPT = 64


def max_kept(n_params: int) -> int:
    """How many steps a run of ``n_params`` parameters keeps at most (one more, the last
    step, may be held besides): never more than a file may hold."""
    p = max(n_params, 1)
    wanted = min(MAX_KEPT, max(MIN_KEPT, MAX_KEPT_VALUES // p))
    return max(1, min(wanted, MAX_CHECKPOINT_VALUES // p - 1))


class CheckpointLog:
    """Kept steps and their parameter vectors, thinned as the run grows."""

    def __init__(self, n_params: int, limit: int | None = None) -> None:
        self.n_params = n_params
        self.limit = max_kept(n_params) if limit is None else limit
        self.stride = 1
        self._steps: list[int] = []
        self._rows: list[np.ndarray] = []
        #: the last step seen, kept even when it is off the stride
        self._last: tuple[int, np.ndarray] | None = None

    def add(self, step: int, params: np.ndarray) -> None:
        """The parameters after ``step`` updates (steps ascending)."""
        row = np.array(params, dtype=np.float64)
        if step % self.stride == 0:
            self._steps.append(step)
            self._rows.append(row)
            if len(self._steps) > self.limit:
                self.stride *= 2
                keep = [i for i, k in enumerate(self._steps) if k % self.stride == 0]
                self._steps = [self._steps[i] for i in keep]
                self._rows = [self._rows[i] for i in keep]
            # thinning may drop the very step just added: it is still the last one
            self._last = None if self._steps[-1] == step else (step, row)
        else:
            self._last = (step, row)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(steps (K,), parameters (K, P))``, the last step included."""
        steps, rows = list(self._steps), list(self._rows)
        if self._last is not None:
            steps.append(self._last[0])
            rows.append(self._last[1])
        if not rows:
            return np.zeros(0, np.int64), np.zeros((0, self.n_params))
        return np.array(steps, dtype=np.int64), np.vstack(rows)
