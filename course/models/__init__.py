"""Models: the plain-Python state behind each activity and record, testable without Jupyter or a widget."""
