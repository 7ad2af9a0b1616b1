"""nbgrader settings for the Secure Attachment course (run nbgrader and `course` commands from this folder).

Each setting says why it is here. Tests copy this file into a temporary course and override a few values on
the command line (a short timeout, for instance); they never change it.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (nbgrader provides get_config when it loads this file)

HERE = Path(__file__).resolve().parent

# The course's name in the exchange; students fetch and submit under it.
c.CourseDirectory.course_id = "secure-attachment"
# Assignment sources live in assignments/<name>/<name>.ipynb (the repo's layout), not nbgrader's source/.
c.CourseDirectory.source_directory = "assignments"
# Everything generated (release/, submitted/, autograded/, feedback/, gradebook.db) sits beside this file.
c.CourseDirectory.root = str(HERE)

# Local exchange for a laptop course: a folder beside this file, unless NBGRADER_EXCHANGE names a shared one
# (on JupyterHub, the admin points it at the shared volume, usually /srv/nbgrader/exchange).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", str(HERE / "exchange"))

# Collect trusting nothing a student put in the inbound folder: regular files only (never through a link, never a
# FIFO or device), within RecordingCollect.max_file_size / max_submission_size / max_files; on a hub a folder
# claiming another account's student is set aside; the time is the folder's change time when the claimed one is
# earlier. One warning line per student names what was set aside; everyone else is collected. Then the hashes of
# each submission as collected are recorded (in grading-alerts/collected/, which students never reach):
# `course autograde` and `course feedback` stop, naming the student, if a submission changed after collect.
c.ExchangeFactory.collect = "course.grading.nbgrader.exchange.RecordingCollect"

# nbgrader's autograde copies every file beside a submitted notebook with no check of its kind or size (only the
# CourseDirectory.ignore name patterns apply). The collect keeps links, FIFOs and oversize files out of submitted/; for a file put
# there some other way, this hook caps each file autograde writes at AutogradeLimits.max_file_size bytes, so a
# link to /dev/zero or a huge sparse file fails that one student (named) instead of filling the disk
# (course/grading/nbgrader/write_bound.py).
c.Autograde.pre_convert_hook = "course.grading.nbgrader.write_bound.bound_written_files"
c.AutogradeLimits.max_file_size = 1 << 30

# Students' answer cells start with this line in place of the solution: what to do, in plain words.
c.ClearSolutions.code_stub = {
    "python": "# ↑ Type your answers above, between the quotes or brackets, then press Shift+Enter."}

# Grading never runs student code (see CONTRIBUTING.md, "Graded assignments"). Before anything else, each
# submission is inspected and one warning line names the student and everything grading will ignore or put back
# (extra cells or files, code besides answers, edited locked cells). The rest is nbgrader's own clean-up
# (CheckCellMetadata: see below).
c.Autograde.sanitize_preprocessors = [
    "course.grading.nbgrader.static_grading.InspectSubmission",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
]
# In place of nbgrader's Execute (a kernel running the student's notebook), GradeLiterals reads each answer as a
# literal and runs only the course's own cells, from the gradebook, with those answers; nbgrader then saves the
# scores as usual. So `nbgrader autograde`, the formgrader's button and `course autograde` grade the same way.
# ShowStudentOutputs is off: switched on, it runs each submission in a bubblewrap sandbox only to show the
# outputs of the student's own cells in the graded copy; it never changes a score. SaveScores is nbgrader's
# SaveAutoGrades with one gradebook commit per notebook rather than one per cell (much faster for a cohort).
# StudentText shows everything a student wrote in the graded copy (written answers, added cells, outputs) as
# text, never markup: the formgrader renders markdown as HTML, so a <script> in a written answer would otherwise
# run in the trainer's session. The submission itself is never changed.
# nbgrader's CheckCellMetadata (a schema check of every cell, run twice by default, a tenth of the time) is left out of
# both lists: GradeLiterals resets every known cell's nbgrader metadata from the gradebook and strips it from
# any other cell, so what a student wrote there is never trusted anyway.
c.Autograde.autograde_preprocessors = [
    "course.grading.nbgrader.static_grading.GradeLiterals",
    "course.grading.nbgrader.sandbox.ShowStudentOutputs",
    "course.grading.nbgrader.student_text.StudentText",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "course.grading.nbgrader.static_grading.SaveScores",
    "nbgrader.preprocessors.AssignLatePenalties",
]
# Off: grading needs no student code run. On, it needs bubblewrap (`make sandbox`) and stops with a message
# where bubblewrap cannot run, never running a submission unsandboxed.
c.ShowStudentOutputs.enabled = False

# Only students' Validate button runs a notebook with nbgrader's Execute; grading never does (Execute is not in the
# autograde preprocessors above; the sandbox has its own limit, ShowStudentOutputs.cell_timeout). A cell that runs
# longer than this many seconds (an infinite loop, say) is stopped and the kernel interrupted, so Validate answers.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# Give a slow machine one retry before calling a notebook ungradeable.
c.Execute.execute_retries = 1

# A locked test cell a student deleted is put back from the gradebook before grading (edited ones always are).
c.OverwriteCells.add_missing_cells = True

# nbgrader scores a test cell zero if it wrote anything to stderr. Warnings are harmless, so drop stderr
# output that is only a warning before scoring (errors still score zero).
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\w*Warning: "

# Keep the graded copies small and readable whatever a student printed: at most 200 lines of output per cell,
# and tracebacks cut to 40 lines.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# Feedback never shows hidden tests or mark schemes (nbgrader shows them by default); it keeps each item's
# score, and the format message when an answer was in the wrong form.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "course.grading.feedback.HideHiddenTests",
]

# The formgrader's marking page (trainer only): each written answer first, as plain text, with its question, mark
# scheme and score box beside it (below it on a narrow screen); hidden tests (the keys) taken out of the code cells shown. Feedback, which
# uses the same exporter, is left as it is (course/grading/nbgrader/marking_page.py).
c.HTMLExporter.preprocessors = ["course.grading.nbgrader.marking_page.MarkingPage"]
