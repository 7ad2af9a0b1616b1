"""A teaching model of rupture and repair in a short face-to-face interaction. It is not real data.

Research on face-to-face play finds that caregiver and baby are in step only part of the time and that
mismatches followed by repair are the ordinary rhythm of a healthy interaction. This model lets a learner
see that pattern and play with it; its numbers are made up by the model and are never measurements.

How it works. The interaction is a run of *episodes*: an in-sync stretch, then a mismatch (an out-of-sync
stretch) that is either repaired or breaks off, and then the next episode. The seed fixes, for every
possible episode, the random numbers the model draws (how long the in-sync stretch lasts, whether and
how quickly the mismatch could be repaired). The settings only decide what those numbers lead to:

* *effective responsiveness* is responsiveness reduced by stress;
* the more effective responsiveness, the likelier each mismatch is repaired and the sooner;
* an unrepaired mismatch always lasts longer than a repaired one.

Because the random numbers are shared between settings ("common random numbers"), raising responsiveness
can only make each episode repaired-or-unchanged and shorter-or-unchanged, so every repair that happened
still happens, no later: more responsiveness never means fewer repairs, and more stress never means more.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from numbers import Real

__all__ = ["Interaction", "Stretch", "simulate", "effective_responsiveness", "DEFAULT_MOMENTS"]

DEFAULT_MOMENTS = 60
STRESS_WEIGHT = 0.7          # how much full stress takes away from responsiveness
BASE_REPAIR_CHANCE = 0.3     # babies and caregivers often find their way back with little help
EXTRA_REPAIR_CHANCE = 0.65
REPAIR_MOMENTS = (2, 3)      # shortest repair, and the longest extra wait at full responsiveness
MAX_EXTRA_DELAY = 5          # an unresponsive caregiver takes up to this many further moments to repair
IN_SYNC_MOMENTS = (1, 5)     # shortest and longest in-sync stretch
BREAK_OFF_MOMENTS = (10, 14)  # how long an unrepaired mismatch lasts before the pair starts afresh


@dataclass(frozen=True)
class Stretch:
    """A run of moments in one state; an out-of-sync stretch says whether it ended in a repair."""

    start: int
    end: int
    in_sync: bool
    repaired: bool = False

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Interaction:
    """One run of the teaching model: its settings and what happened, moment by moment."""

    responsiveness: float
    stress: float
    seed: int
    moments: int
    stretches: tuple[Stretch, ...]

    @property
    def states(self) -> tuple[bool, ...]:
        """For each moment, True when caregiver and baby are in sync."""
        return tuple(s.in_sync for s in self.stretches for _ in range(s.length))

    @property
    def in_sync_share(self) -> float:
        return sum(s.length for s in self.stretches if s.in_sync) / self.moments

    @property
    def mismatches(self) -> int:
        return sum(1 for s in self.stretches if not s.in_sync)

    @property
    def repairs(self) -> int:
        return sum(1 for s in self.stretches if s.repaired)

    @property
    def repair_moments(self) -> tuple[int, ...]:
        """The moments at which a mismatch was repaired."""
        return tuple(s.end for s in self.stretches if s.repaired)

    @property
    def summary(self) -> str:
        """The result in words, for a caption, alt text and a screen reader."""
        mismatch = "mismatch" if self.mismatches == 1 else "mismatches"
        return (f"In sync {round(100 * self.in_sync_share)}% of the time; "
                f"{self.mismatches} {mismatch}, {self.repairs} repaired.")


def _check_level(name: str, value: object, meaning: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        raise ValueError(f"{name} must be a number from 0 to 1 ({meaning}); got {value!r}")
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be from 0 to 1 ({meaning}); got {value!r}")
    return float(value)


def effective_responsiveness(responsiveness: float, stress: float) -> float:
    """Responsiveness as stress leaves it: stress makes it harder to notice and answer the baby."""
    return responsiveness * (1 - STRESS_WEIGHT * stress)


def simulate(responsiveness: float, stress: float, seed: int = 1, moments: int = DEFAULT_MOMENTS) -> Interaction:
    """Run the teaching model once; the same settings and seed always give the same interaction."""
    responsiveness = _check_level("responsiveness", responsiveness, "0 = rarely responds, 1 = responds readily")
    stress = _check_level("stress", stress, "0 = calm, 1 = very stressed")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number of 0 or more; got {seed!r}")
    if isinstance(moments, bool) or not isinstance(moments, int) or not 10 <= moments <= 1000:
        raise ValueError(f"moments must be a whole number from 10 to 1000; got {moments!r}")

    effective = effective_responsiveness(responsiveness, stress)
    repair_chance = BASE_REPAIR_CHANCE + EXTRA_REPAIR_CHANCE * effective
    delay_spread = REPAIR_MOMENTS[1] + MAX_EXTRA_DELAY * (1 - effective)

    rng = random.Random(seed)
    # Every episode draws its four numbers whatever the settings, so all settings share them.
    draws = [(rng.random(), rng.random(), rng.random(), rng.random()) for _ in range(moments)]
    stretches: list[Stretch] = []
    now = 0
    for in_sync_draw, repair_draw, delay_draw, break_draw in draws:
        if now >= moments:
            break
        low, high = IN_SYNC_MOMENTS
        in_sync = low + math.floor(in_sync_draw * (high - low + 1))
        stretches.append(Stretch(now, min(now + in_sync, moments), True))
        now += in_sync
        if now >= moments:
            break
        repaired = repair_draw < repair_chance
        if repaired:
            length = REPAIR_MOMENTS[0] + math.floor(delay_draw * delay_spread)
        else:
            low, high = BREAK_OFF_MOMENTS
            length = low + math.floor(break_draw * (high - low + 1))
        end = now + length
        stretches.append(Stretch(now, min(end, moments), False, repaired and end <= moments))
        now = end
    return Interaction(responsiveness, stress, seed, moments, tuple(stretches))
