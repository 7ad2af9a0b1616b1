"""Ship the top-level ``data/`` inside the wheel as ``course/_data``.

Trainers edit the content in ``data/`` beside the package, so it stays there; a non-editable install (a
JupyterHub image, a conda environment) has no checkout beside it, so the build copies the content into the
package. An editable install reads ``data/`` in place (see ``course.content.data_directory``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONTENT = Path(__file__).resolve().parent / "data"


class build_py_with_content(build_py):  # noqa: N801 (setuptools command naming)
    def run(self):
        super().run()
        if not self.editable_mode:
            shutil.copytree(CONTENT, Path(self.build_lib) / "course" / "_data", dirs_exist_ok=True)


setup(cmdclass={"build_py": build_py_with_content})
