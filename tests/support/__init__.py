"""Helpers shared by the tests: content folders, reading what a widget shows, grading courses, the checkout."""
