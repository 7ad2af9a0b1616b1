"""The rupture-and-repair teaching model: reproducible, going the right way, and clear about bad settings."""

from __future__ import annotations

import itertools
import re

import pytest

from course.models.repair import simulate

LEVELS = [i / 10 for i in range(11)]
SEEDS = range(40)


def test_same_settings_and_seed_give_the_same_interaction():
    """Do the same settings and seed always give exactly the same interaction?"""
    for responsiveness, stress, seed in [(0.3, 0.6, 1), (0.9, 0.1, 7), (0.0, 1.0, 123)]:
        first, second = simulate(responsiveness, stress, seed), simulate(responsiveness, stress, seed)
        assert first == second
        assert first.summary == second.summary


def test_different_seeds_give_different_interactions():
    """Does a new seed give a new interaction, so "new interaction" shows something different?"""
    timelines = {simulate(0.6, 0.4, seed).states for seed in range(10)}
    assert len(timelines) > 5


def test_more_responsiveness_never_means_fewer_repairs():
    """For every seed and stress level, does raising responsiveness keep or add repairs, never lose one?"""
    for seed, stress in itertools.product(SEEDS, LEVELS):
        repairs = [simulate(r, stress, seed).repairs for r in LEVELS]
        assert repairs == sorted(repairs), f"seed {seed}, stress {stress}: repairs {repairs}"


def test_more_stress_never_means_more_repairs():
    """For every seed and responsiveness level, does raising stress keep or remove repairs, never add one?"""
    for seed, responsiveness in itertools.product(SEEDS, LEVELS):
        repairs = [simulate(responsiveness, s, seed).repairs for s in LEVELS]
        assert repairs == sorted(repairs, reverse=True), f"seed {seed}, responsiveness {responsiveness}: {repairs}"


def test_the_settings_make_a_difference():
    """Over many seeds, does a responsive calm caregiver repair more than an unresponsive stressed one?"""
    calm = sum(simulate(0.9, 0.1, seed).repairs for seed in SEEDS)
    stressed = sum(simulate(0.2, 0.9, seed).repairs for seed in SEEDS)
    assert calm > 2 * stressed


def test_mismatch_happens_even_at_the_best_settings():
    """Like real interactions, is even the most responsive, calm caregiver out of sync for a good part of the time?"""
    for seed in SEEDS:
        result = simulate(1.0, 0.0, seed)
        assert result.mismatches >= 3
        assert result.in_sync_share < 0.75


def false_runs(states: tuple[bool, ...]) -> int:
    """How many out-of-sync runs a moment-by-moment timeline has, counted from the moments themselves."""
    return sum(1 for before, now in zip((True, *states), states, strict=False) if before and not now)


def test_the_timeline_adds_up():
    """Do the stretches cover every moment once, alternate in and out of sync, and match the counts?"""
    for seed in range(10):
        result = simulate(0.5, 0.5, seed, moments=80)
        assert len(result.states) == 80
        assert result.stretches[0].start == 0 and result.stretches[-1].end == 80
        for before, after in itertools.pairwise(result.stretches):
            assert before.end == after.start
            assert before.in_sync != after.in_sync
        assert result.mismatches == false_runs(result.states)
        assert result.in_sync_share == sum(result.states) / 80
        for moment in result.repair_moments:
            assert not result.states[moment - 1], "a repair ends a stretch out of sync"
            assert moment == 80 or result.states[moment], "and the pair are back in sync after it"
        assert len(set(result.repair_moments)) == result.repairs <= result.mismatches


def test_summary_says_the_result_in_words():
    """Does the summary give the in-sync share and the mismatches of this run, as counted from its moments?"""
    for seed in range(5):
        result = simulate(0.7, 0.3, seed)
        share, mismatches, repairs = map(int, re.fullmatch(
            r"In sync (\d+)% of the time; (\d+) mismatch(?:es)?, (\d+) repaired\.", result.summary).groups())
        assert share == round(100 * sum(result.states) / len(result.states))
        assert mismatches == false_runs(result.states)
        assert repairs == sum(1 for s in result.stretches if s.repaired)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"responsiveness": 1.5, "stress": 0.2}, "responsiveness must be from 0 to 1 (0 = rarely responds, "
                                             "1 = responds readily); got 1.5"),
    ({"responsiveness": "high", "stress": 0.2}, "responsiveness must be a number from 0 to 1"),
    ({"responsiveness": 0.5, "stress": -0.1}, "stress must be from 0 to 1 (0 = calm, 1 = very stressed); got -0.1"),
    ({"responsiveness": 0.5, "stress": float("nan")}, "stress must be a number from 0 to 1"),
    ({"responsiveness": True, "stress": 0.2}, "responsiveness must be a number from 0 to 1"),
    ({"responsiveness": 0.5, "stress": 0.2, "seed": -3}, "seed must be a whole number of 0 or more; got -3"),
    ({"responsiveness": 0.5, "stress": 0.2, "seed": 2.5}, "seed must be a whole number of 0 or more; got 2.5"),
    ({"responsiveness": 0.5, "stress": 0.2, "moments": 3}, "moments must be a whole number from 10 to 1000; got 3"),
])
def test_bad_settings_get_a_clear_error(kwargs, message):
    """Does a setting out of range or of the wrong kind say which one, what is allowed and what was given?"""
    with pytest.raises(ValueError) as raised:
        simulate(**kwargs)
    assert message in str(raised.value)
