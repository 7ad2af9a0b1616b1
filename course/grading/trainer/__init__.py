"""The trainer's commands that span the cycle (`course status`, `course demo`, `course lab`, the checks before a step):
above the grading core, the LMS files and the cohort report, which they read."""
