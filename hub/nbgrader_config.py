"""nbgrader settings for everyone on the hub (installed by hub/course_hub.py into the hub venv's etc/jupyter).

The course's own nbgrader_config.py (in the course root) still decides everything about grading; the hub sets
NBGRADER_EXCHANGE for every server so that file uses the shared exchange below too.
"""

c = get_config()  # noqa: F821

# The shared exchange on this server, and the one course learners see in their Assignment List.
c.Exchange.root = "@EXCHANGE_ROOT@"
c.CourseDirectory.course_id = "@COURSE_ID@"

# A submission is readable by its student and the graders' group only (nbgrader leaves it open to everyone,
# hidden only by its name).
c.ExchangeFactory.submit = "course.grading.nbgrader.exchange.PrivateSubmit"
# Collect as the course root's nbgrader_config.py does, wherever a grader runs it: regular files only, within size
# limits, never through a link; a folder claiming another student's name is set aside (see exchange.py).
c.ExchangeFactory.collect = "course.grading.nbgrader.exchange.RecordingCollect"
