"""nbgrader settings for graders only (written by course.deployment)."""

import os

c = get_config()  # noqa: F821

if os.environ.get('NBGRADER_DB_URL'):
    c.CourseDirectory.db_url = os.environ['NBGRADER_DB_URL']
c.CourseDirectory.root = '/home/jovyan/course'
