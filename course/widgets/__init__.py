"""The course's activities: one module per activity, each exporting one factory of the same name."""
