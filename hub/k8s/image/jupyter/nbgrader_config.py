"""nbgrader settings for every server in the course image (Kubernetes)."""

c = get_config()  # noqa: F821

# The exchange: a ReadWriteMany volume mounted in every learner's pod (see hub/k8s/config.yaml).
c.Exchange.root = "/srv/nbgrader/exchange"
c.CourseDirectory.course_id = "secure-attachment"
c.ExchangeFactory.submit = "course.grading.nbgrader.exchange.PrivateSubmit"
# Collect as the course root's nbgrader_config.py does, wherever a grader runs it: regular files only, within size
# limits, never through a link; a folder claiming another student's name is set aside (see exchange.py).
c.ExchangeFactory.collect = "course.grading.nbgrader.exchange.RecordingCollect"

