"""nbgrader settings for every server of the course (written by course.deployment)."""

c = get_config()  # noqa: F821

# The shared exchange, and the one course learners see in their Assignment List.
c.Exchange.root = '/srv/nbgrader/exchange'
c.CourseDirectory.course_id = 'secure-attachment'
# A submission is readable by its student and the graders' group only (nbgrader leaves it open to everyone,
# hidden only by its name).
c.ExchangeFactory.submit = 'course.grading.nbgrader.exchange.PrivateSubmit'
# Collect as the course root's nbgrader_config.py does, wherever a grader runs it: regular files only,
# within size limits, never through a link; a folder claiming another student is set aside (exchange.py).
c.ExchangeFactory.collect = 'course.grading.nbgrader.exchange.RecordingCollect'
