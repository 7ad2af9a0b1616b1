"""nbgrader settings for this computer's own JupyterLab and `nbgrader` commands outside a course folder (a learner's
Assignment List and Validate button, or a trainer trying the student side). `make` copies this file to
.venv/etc/jupyter/ when there is none there yet (it never replaces one a hub or an administrator wrote).

Learners need no nbgrader setting of their own: the course's settings live in the course folder's
nbgrader_config.py, which nbgrader reads when run there. This file sets nothing. It exists because nbgrader warns
"No nbgrader_config.py file found" on every command that finds no such file in any Jupyter config folder, which
worries a learner for no reason.
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config when it loads this file)
