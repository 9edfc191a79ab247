"""Turning JSON keys and schema names into ASCII identifiers that every target language accepts.

A name is first cut into lowercase ASCII words (accents dropped, other non-ASCII characters
spelled as ``u`` + hex code point, so ``名前`` stays distinct from ``prénom``); each emitter then
joins the words in its own case and escapes its own reserved words.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from collections.abc import Collection, Iterable

# An acronym followed by a word ("HTTPServer"), a word with an optional capital ("order", "Id"),
# or a run of capitals and digits ("EC2").
_WORD = re.compile(r"[A-Z0-9]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+")

_GO_KEYWORDS = """
    break case chan const continue default defer else fallthrough for func go goto if import
    interface map package range return select struct switch type var
"""
GO_KEYWORDS = frozenset(_GO_KEYWORDS.split())

# Folder names that would shadow a module the generated code, or the project around it, imports.
_SHADOWING_MODULES = frozenset(sys.stdlib_module_names) | {
    "pydantic",
    "pydantic_core",
    "typing_extensions",
    "main",
}


# Latin letters that Unicode does not decompose into a base letter and an accent.
_LATIN = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "TH",
        "ð": "d",
        "Ð": "D",
        "\u0131": "i",
    }
)


def ascii_fold(text: str) -> str:
    """Accents dropped; other non-ASCII letters and digits spelled as separate ``uXXXX`` words."""
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text.translate(_LATIN)):
        if char.isascii():
            out.append(char)
        elif unicodedata.combining(char):
            continue
        elif char.isalnum():
            out.append(f" u{ord(char):04x} ")
        else:
            out.append(" ")
    return "".join(out)


def words(text: str) -> list[str]:
    """The lowercase ASCII words of a key or a name: ``"detail-type"`` → ``["detail", "type"]``."""
    return [word.lower() for word in _WORD.findall(ascii_fold(text))]


def snake(text: str) -> str:
    return "_".join(words(text))


def pascal(text: str) -> str:
    return "".join(word.capitalize() for word in words(text))


def camel(text: str) -> str:
    parts = words(text)
    return parts[0] + "".join(word.capitalize() for word in parts[1:]) if parts else ""


def upper_snake(text: str) -> str:
    return "_".join(word.upper() for word in words(text))


def type_name(text: str) -> str:
    """A PascalCase type name; a name that already is one keeps its own capitals (``EC2Event``)."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text):
        return text[0].upper() + text[1:]
    return pascal(text)


def unique(name: str, taken: Collection[str], separator: str = "") -> str:
    """``name``, or ``name`` with the smallest counter from 2 that is not taken yet."""
    if name not in taken:
        return name
    counter = 2
    while f"{name}{separator}{counter}" in taken:
        counter += 1
    return f"{name}{separator}{counter}"


def starts_with_digit(name: str) -> bool:
    return bool(name) and name[0].isdigit()


def folder_name(schema_name: str) -> str:
    """The one top-level folder of the bindings: a snake_case name that is also a valid Python
    package and Go package name, and shadows no standard module (``json``, ``enum``...)."""
    name = snake(schema_name) or "schema"
    if starts_with_digit(name):
        name = f"schema_{name}"
    if keyword.iskeyword(name) or name in GO_KEYWORDS or name in _SHADOWING_MODULES:
        name = f"{name}_schema"
    return name


def join_lines(lines: Iterable[str]) -> bytes:
    """Source text as bytes: lines joined with newlines, one final newline, UTF-8."""
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def comment_text(description: str | None) -> str | None:
    """A description flattened to one line that cannot close a comment in any target language."""
    if not description:
        return None
    text = " ".join(description.split()).replace("*/", "* /")
    return text or None


def constant_names(values: Iterable[str]) -> list[str]:
    """UPPER_SNAKE names for enum values, unique and never starting with a digit."""
    names: list[str] = []
    for value in values:
        name = upper_snake(value) or "EMPTY"
        if starts_with_digit(name):
            name = f"VALUE_{name}"
        name = unique(name, names, "_")
        names.append(name)
    return names
