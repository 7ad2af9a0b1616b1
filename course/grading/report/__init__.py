"""The cohort report: where a cohort misunderstands, from the gradebook and the graded answers."""
