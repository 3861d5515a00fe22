"""Code blocks: Rouge's language names to Pygments', line numbers, and fences that Sphinx highlights
without a warning.

Sphinx warns (and a strict build fails) when a code block names a language Pygments does not know, or
when the code does not lex in that language. Jekyll's Rouge is more forgiving, so each block is checked
here: an unknown language is highlighted as plain text and reported, code that does not lex keeps its
language and is highlighted with ``:force:``, as Rouge did.
"""

from __future__ import annotations

import re

from pygments.filters import ErrorToken
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

#: Rouge names that Pygments spells differently.
ALIASES = {"c++": "cpp", "yml": "yaml", "shell-session": "console", "sh": "bash", "plaintext": "text"}


def pygments_name(language: str) -> str | None:
    """The Pygments name for a Rouge/kramdown language name, or None if Pygments has no such lexer."""
    name = ALIASES.get(language.lower(), language.lower())
    try:
        get_lexer_by_name(name)
    except ClassNotFound:
        return None
    return name


def lexes_cleanly(language: str, code: str) -> bool:
    lexer = get_lexer_by_name(language)
    lexer.add_filter("raiseonerror")
    try:
        for _ in lexer.get_tokens(code):
            pass
    except ErrorToken:
        return False
    return True


def fence_for(code: str, char: str = "`") -> str:
    """A fence longer than any run of the fence character inside the code."""
    longest = max((len(run) for run in re.findall(re.escape(char) + "+", code)), default=0)
    return char * max(3, longest + 1)


def code_block(
    language: str,
    code: str,
    *,
    linenos: bool = False,
    emphasize: str = "",
    indent: str = "",
    caption: str = "",
) -> tuple[str, str | None]:
    """A MyST code block, and a note if the language was not kept (for the report)."""
    note = None
    name = ""
    force = False
    if language:
        known = pygments_name(language)
        if known is None:
            note = f"code in '{language}', a language Pygments does not know, is shown as plain text"
            name = "text"
        else:
            name = known
            force = not lexes_cleanly(known, code)
    code = code.rstrip("\n")
    fence = fence_for(code)
    options = []
    if caption:
        options.append(f":caption: {caption}")
    if linenos:
        options.append(":linenos:")
    if emphasize:
        options.append(f":emphasize-lines: {emphasize}")
    if force:
        options.append(":force:")
    head = [f"{fence}{{code-block}} {name or 'text'}", *options, ""] if options else [f"{fence}{name}"]
    lines = [*head, *code.split("\n"), fence]
    return "\n".join(indent + line if line else line for line in lines), note
