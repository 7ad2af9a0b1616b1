"""The one-server hub's steps, one module per job; hub/course_hub.py is their command line."""
