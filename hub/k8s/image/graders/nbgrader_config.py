"""Graders only: the gradebook on PostgreSQL, its address from the pod's NBGRADER_DB_URL (a Kubernetes Secret)."""

import os

c = get_config()  # noqa: F821

if os.environ.get("NBGRADER_DB_URL"):
    c.CourseDirectory.db_url = os.environ["NBGRADER_DB_URL"]

# The course root volume, mounted in graders' servers only (hub/k8s/config.yaml).
c.CourseDirectory.root = "/home/jovyan/course"
