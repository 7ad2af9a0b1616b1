"""What a spare kernel does before any page asks for it: load what every page needs and nothing of the learner's.

Starting a kernel, importing the activities (ipywidgets, matplotlib) and reading the content are most of the
time a page takes to be ready; a spare kernel does them in advance. It reads no progress: each activity reads the
learner's progress when the page's own cells run, after the page was asked for. The content is read again then
too if a file of it has changed since (``load_content`` checks).
"""

from __future__ import annotations

import course
from course.content import ContentError, load_content


def warm_up() -> None:
    for factory in course.__all__:
        getattr(course, factory)  # imports the activity's module
    try:
        load_content()
    except ContentError:
        pass  # the page's first activity says what is wrong with the content, in its own words
