"""Trainer operations on the course's nbgrader assignments (the ``course`` command calls these).

Grading never runs student code (CONTRIBUTING.md, "Graded assignments"). The folders show the parts:

- The core, here: ``answers`` (the format checks the assignment notebooks call; no keys), ``plain_answers`` and
  ``answer_reading`` (a plain answer, ``name = <literal>``, read without running it), ``inspection`` (checks on a
  submission before grading and on its graded copy after), ``cohort`` (autograde every submission; one bad one
  never stops the rest), ``tamper`` (hashes of what grading must never change), ``build`` (generate an assignment
  only if its solution earns full marks and its release does not leak), ``feedback``, ``leaks``, ``regions``, and
  ``cells`` (what an nbgrader cell is, on ``nbgrader.utils``), ``course_folder`` (nbgrader's settings read as
  nbgrader reads them: ``course_directory``, ``gradebook_url``, ``CourseFolders``) and ``nbgrader_run`` (the one way
  to run nbgrader).
- ``nbgrader/``: the plug-ins nbgrader_config.py names: ``static_grading`` (preprocessors that grade literals),
  ``exchange`` (private submit, recording collect), ``sandbox`` (bubblewrap, for showing students' own outputs).
- ``lms/``: the learning platform: ``platforms`` (each one's file layouts, cited), ``roster`` (participant files
  in), ``export`` (grade files out; never a wrong grade).
- ``report/``: the cohort report (``cohort_report``): score distribution, item difficulty and discrimination,
  common wrong answers, from ``gradebook_queries``, ``item_names``, ``cohort_statistics`` and ``report_page``.
"""
