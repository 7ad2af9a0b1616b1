#!/bin/bash
# Give the learner the module notebooks in their home (written by course.deployment).
mkdir -p "$HOME"/secure-attachment && cp -r -n /opt/secure-attachment/notebooks/. "$HOME"/secure-attachment/
