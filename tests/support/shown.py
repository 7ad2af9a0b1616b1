"""What a widget shows a learner, as text: HTML tags dropped and entities unescaped."""

from __future__ import annotations

import html
import re


def text_of(markup: str) -> str:
    """The words a reader sees in some HTML, with runs of white space made one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def unescaped(markup: str) -> str:
    """The HTML with its entities unescaped (tags kept), to look for text and markup together."""
    return html.unescape(markup)


def image_alt(markup: str) -> str:
    """The alt text of the (first) image in some HTML."""
    return html.unescape(re.search(r'<img [^>]*alt="([^"]*)"', markup).group(1))


def caption(markup: str) -> str:
    """The text of a figure's caption."""
    return text_of(re.search(r"<figcaption>(.*?)</figcaption>", markup, re.S).group(1))
