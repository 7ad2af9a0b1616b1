"""The EPDS guard's scanner, and the script that makes its hashes from a copy of the scale kept outside the repo.

The Edinburgh Postnatal Depression Scale (Cox et al. 1987) is (c) Royal College of Psychiatrists: the course
describes and cites it but never reproduces its items, so the test keeps only SHA-256 hashes of every word
5-gram of the items (and of their longer answer options), after normalising: lower-case, apostrophes dropped,
words = runs of the letters a-z. To make the hashes again (for a new edition, or to check them), put the items
and answers in a text file OUTSIDE the repository and run, from tests/:

    ../.venv/bin/python -m support.epds /path/outside/the/repo/epds.txt

It prints the hashes, one a line, sorted, for EPDS_GRAM_HASHES in tests/test_no_epds_items.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

GRAM = 5


def words(text: str) -> list[str]:
    """The normalised words of a text: lower-case letters only, with apostrophes dropped ("haven't" -> havent)."""
    return re.findall(r"[a-z]+", text.lower().replace("'", "").replace("\u2019", ""))


def gram_hash(gram: str) -> str:
    return hashlib.sha256(gram.encode("utf-8")).hexdigest()


def grams(text: str) -> Iterator[str]:
    found = words(text)
    for start in range(len(found) - GRAM + 1):
        yield " ".join(found[start:start + GRAM])


def repository_files(repo: Path) -> list[Path]:
    """Every file git tracks, plus new ones not yet added (and not ignored), that is still on disk."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=repo, capture_output=True, check=True).stdout.decode("utf-8")
    return sorted({repo / name for name in listed.split("\0") if name and (repo / name).is_file()})


def readable_text(path: Path) -> str | None:
    """A file's text as a reader sees it (JSON strings unescaped, so notebook cells read as prose); None if binary."""
    raw = path.read_bytes()
    if b"\0" in raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix in (".json", ".ipynb"):
        try:
            return "\n".join(_strings(json.loads(text)))
        except ValueError:
            return text
    return text


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield key
            yield from _strings(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from _strings(sub)


def scan(files: Iterable[Path], hashes: frozenset[str], root: Path | None = None) -> list[tuple[str, str]]:
    """(file, hash) for every 5-gram in the files whose hash is one of ``hashes``; the hash, never the words."""
    findings = []
    for path in files:
        text = readable_text(path)
        if text is None:
            continue
        for gram in grams(text):
            digest = gram_hash(gram)
            if digest in hashes:
                findings.append((str(path.relative_to(root) if root and path.is_relative_to(root) else path), digest))
    return findings


def gram_hashes(text: str) -> list[str]:
    """The sorted hashes of every 5-gram in ``text`` (one item or answer a line, so no gram spans two)."""
    return sorted({gram_hash(gram) for line in text.splitlines() for gram in grams(line)})


def main(argv: list[str]) -> int:
    (source,) = (Path(a).resolve() for a in argv)
    repo = Path(__file__).resolve().parents[2]
    if source.is_relative_to(repo):
        print("Keep the scale's text outside the repository.", file=sys.stderr)
        return 1
    print("\n".join(gram_hashes(source.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
