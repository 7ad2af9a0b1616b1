#!/bin/bash
# Give the learner the module notebooks in their home; never overwrite a copy they have worked in.
mkdir -p "${HOME}/secure-attachment"
cp -r -n /opt/secure-attachment/notebooks/. "${HOME}/secure-attachment/"
