"""The course's plug-ins for nbgrader, named in nbgrader_config.py: preprocessors, exchange classes, the sandbox."""
