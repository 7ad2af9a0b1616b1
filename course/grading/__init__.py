"""Trainer operations on the course's nbgrader assignments (the ``course`` command calls these).

Grading never runs student code (CONTRIBUTING.md, "Graded assignments"):

- ``answers``: the format checks and scoring the assignment notebooks call (no answer keys here).
- ``plain_answers``: the one definition of a plain answer (``name = <literal>``), read without running it.
- ``static_grading``: the nbgrader preprocessors that grade with it (set in ``nbgrader_config.py``).
- ``inspection``: checks on a submission before grading and on its graded copy after.
- ``cohort``: autograde every submission at once; one bad submission never stops the rest.
- ``tamper``: hashes of what grading must never change, before and after.
- ``sandbox``: bubblewrap, for the only time submitted code runs (to show students' own outputs, if enabled).
- ``course_folder``, ``nbgrader_run``: the course folder's gradebook and settings; the one way to run nbgrader.
- ``build``: generate an assignment only if its own solution earns full marks, and its release does not leak.
- ``feedback``: feedback that shows each item's score but never the hidden tests or mark schemes.
- ``export``: grades for Canvas, Moodle or Blackboard (``platforms``: each one's file layouts, cited), or as CSV;
  never a wrong grade (refuses while written answers await a mark).
- ``roster``: which platform user each nbgrader student is, imported from the platform's participant file.
- ``leaks``: find solutions, hidden tests, mark schemes or keys in anything students receive.
- ``report``: the cohort report: score distribution, item difficulty and discrimination, most common wrong answers,
  per-student flags; from ``gradebook_queries``, ``answer_reading``, ``item_names`` (items in the trainer's words),
  ``cohort_statistics`` (the computation) and ``report_page`` (Jinja2 templates in ``templates/``).
"""
