"""The parts of an nbgrader source that students must never see: solutions, hidden tests, mark schemes."""

from __future__ import annotations

__all__ = ["HIDDEN", "MARK_SCHEME", "SOLUTION", "MARKERS", "region_lines", "without_regions"]

SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARK_SCHEME = ("BEGIN MARK SCHEME", "END MARK SCHEME")
MARKERS = (*SOLUTION, *HIDDEN, *MARK_SCHEME)


def _split(source: str, region: tuple[str, str]) -> tuple[list[str], list[str]]:
    begin, end = region
    kept, inside, within = [], [], False
    for line in source.split("\n"):
        if begin in line:
            within = True
        elif end in line:
            within = False
        elif within:
            inside.append(line)
        else:
            kept.append(line)
    return kept, inside


def region_lines(source: str, region: tuple[str, str]) -> list[str]:
    """The lines between a region's markers (every such region in the source)."""
    return _split(source, region)[1]


def without_regions(source: str, *regions: tuple[str, str]) -> str:
    """The source with these regions and their marker lines removed."""
    for region in regions:
        source = "\n".join(_split(source, region)[0])
    return source
