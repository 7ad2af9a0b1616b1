"""Trainer operations on the course's nbgrader assignments (the ``course`` command calls these).

- ``answers``: the format checks and scoring the assignment notebooks call (no answer keys here).
- ``build``: generate an assignment only if its own solution earns full marks, and its release does not leak.
- ``cohort``: autograde every submission in parallel; one broken submission never stops the rest.
- ``feedback``: feedback that shows each item's score but never the hidden tests or mark schemes.
- ``export``: grades as CSV, one row per student and one column per item.
- ``leaks``: find solutions, hidden tests or mark schemes in anything students receive.
- ``report``: the cohort report: score distribution, item difficulty and discrimination, most common wrong answers.
"""
