"""Trainer operations on the course's nbgrader assignments (the ``course`` command calls these).

- ``answers``: the format checks and scoring the assignment notebooks call (no answer keys here).
- ``build``: generate an assignment only if its own solution earns full marks, and its release does not leak.
- ``cohort``: autograde every submission in parallel; one broken submission never stops the rest.
- ``feedback``: feedback that shows each item's score but never the hidden tests or mark schemes.
- ``export``: grades for Canvas, Moodle or Blackboard (``platforms``: each one's file layouts, cited), or as CSV;
  never a wrong grade (refuses while written answers await a mark).
- ``roster``: which platform user each nbgrader student is, imported from the platform's participant file.
- ``leaks``: find solutions, hidden tests or mark schemes in anything students receive.
- ``report``: the cohort report: score distribution, item difficulty and discrimination, most common wrong answers,
  per-student flags; from ``gradebook_queries``, ``answer_reading``, ``item_names`` (items in the trainer's words),
  ``cohort_statistics`` (the computation) and ``report_page`` (Jinja2 templates in ``templates/``).
"""
