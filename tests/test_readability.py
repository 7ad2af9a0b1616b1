"""Every module's prose reads at Flesch-Kincaid grade 10 or below (plain English for learners with EAL).

textstat is pinned to 0.7.4: later releases fetch a pronouncing dictionary at run time; 0.7.4 counts
syllables offline with pyphen. Run with `-s` to see the grade of every module and section.
"""

from __future__ import annotations

import re

import nbformat
import pytest
import textstat

from course.content import data_directory, load_content, notebooks_directory
from course.content.citations import CITATION as PARENTHESISED_CITATION

NOTEBOOKS = notebooks_directory(data_directory())
MAX_GRADE = 10.0

pytestmark = pytest.mark.content

CITATION = re.compile(r"\s*" + PARENTHESISED_CITATION.pattern)
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def prose(markdown: str) -> str:
    """The text a learner reads, as sentences: markdown syntax, citations, code and link targets removed.

    Headings are labels, not prose, and are left out. List items and table rows become sentences of their
    own, so a list without full stops is not read as one very long sentence.
    """
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = LINK.sub(r"\1", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = CITATION.sub("", text)
    sentences = []
    item: list[str] = []

    def close():
        if item:
            sentences.append(" ".join(item))
            item.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or re.fullmatch(r"\|?[\s:|-]+\|?", line):
            close()
            continue
        if line.startswith("|"):
            close()
            cells = [c.strip() for c in line.strip("|").split("|") if c.strip()]
            sentences.append(", ".join(cells))
            continue
        starts_block = re.match(r"(#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s?)", line)
        if starts_block:
            close()
            line = line[starts_block.end():].strip()
            if raw.lstrip().startswith("#"):
                continue
        item.append(line)
    close()
    cleaned = []
    for sentence in sentences:
        sentence = re.sub(r"[*_]{1,3}([^*_]+)[*_]{1,3}", r"\1", sentence)
        sentence = re.sub(r"\s+", " ", sentence.replace("**", "")).strip()
        # Decimals such as .24 or 10.4 would be read as sentence ends.
        sentence = re.sub(r"(\d)?\.(\d)", lambda m: (m.group(1) or "") + "point" + m.group(2), sentence)
        sentence = re.sub(r"\b(e\.g|i\.e|et al|vs)\.", lambda m: m.group(1).replace(".", ""), sentence)
        if sentence and sentence[-1] not in ".!?:":
            sentence += "."
        if sentence:
            cleaned.append(sentence)
    return " ".join(cleaned)


def sections(notebook) -> list[tuple[str, str]]:
    """(heading, prose) for each `#`/`##`/`###` section of the notebook's markdown, in order."""
    found: list[tuple[str, list[str]]] = [("(before the first heading)", [])]
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            heading = re.match(r"#{1,3}\s+(.*)", line.strip())
            if heading:
                found.append((heading.group(1).strip(), []))
            else:
                found[-1][1].append(line)
    return [(title, prose("\n".join(lines))) for title, lines in found if prose("\n".join(lines))]


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


MODULES = load_content()["modules"]


def report(module, notebook) -> str:
    rows = [f"  {grade(text):5.1f}  {title}  ({textstat.lexicon_count(text)} words)"
            for title, text in sections(notebook)]
    return "\n".join(rows)


@pytest.mark.parametrize("module", MODULES, ids=[m.id for m in MODULES])
def test_module_prose_is_at_grade_10_or_below(module):
    """Does this module's prose read at Flesch-Kincaid grade 10 or below?"""
    notebook = nbformat.read(NOTEBOOKS / module.notebook, as_version=4)
    text = prose("\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown"))
    module_grade = grade(text)
    breakdown = report(module, notebook)
    print(f"\nModule {module.id} ({module.notebook}): grade {module_grade:.1f}\n{breakdown}")
    assert module_grade <= MAX_GRADE, (
        f"Module {module.id} ({module.notebook}) reads at Flesch-Kincaid grade {module_grade:.1f}, above "
        f"{MAX_GRADE:.0f}. Shorten sentences and use common words in the hardest sections:\n"
        + "\n".join(sorted(breakdown.splitlines(), reverse=True)[:5]))


def test_prose_drops_markup_and_citations_and_ends_list_items():
    """Are headings, citations, links, emphasis and table rules left out, and do list items end sentences?"""
    markdown = ("## A heading\n\nSee [the guide](https://example.org) and **bold** text (Benoit 2004; Lamb 1977).\n"
                "- first item\n- second item\n\n| a | b |\n|---|---|\n| c | d |\n")
    assert prose(markdown) == ("See the guide and bold text. first item. second item. a, b. c, d.")


def test_decimals_do_not_split_sentences():
    """Is a figure such as r = .24 or 10.4% counted inside its sentence, not as a sentence end?"""
    text = prose("The correlation was r = .24 in one review and 10.4% of fathers were depressed.")
    assert textstat.sentence_count(text) == 1


def test_a_hard_module_fails_and_names_its_hardest_section():
    """Would long sentences of long words fail, and does the report name the section that is hard?"""
    hard = ("The intergenerational transmission of attachment representations, notwithstanding considerable "
            "methodological heterogeneity, demonstrates substantial associations with observational indicators "
            "of caregiving sensitivity, particularly among socioeconomically disadvantaged populations.")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Module 99\n\nWe read a book. It was fun."),
        nbformat.v4.new_markdown_cell("## A hard part\n\n" + hard)])
    by_title = {title: grade(text) for title, text in sections(notebook)}
    assert by_title["Module 99"] <= MAX_GRADE < by_title["A hard part"]
    worst = sorted(report(None, notebook).splitlines(), reverse=True)[0]
    assert "A hard part" in worst
