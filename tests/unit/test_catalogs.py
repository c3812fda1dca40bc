"""Every word a user reads comes from the catalogs, translated into every language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


def used_messages() -> set[str]:
    return {message for folder in ("bot", "core/reports")  # core/reports: report words
            for _file, _line, message, _comments, _context in extract_from_dir(
                str(ROOT / folder), method_map=[("**.py", "python")],
                keywords={"_": None, "__": None})
            if isinstance(message, str)}


def catalog(language: str) -> dict[str, str]:
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {m.id: m.string for m in read_po(po, locale=language) if m.id}


def test_the_bot_really_uses_the_catalogs() -> None:
    assert len(used_messages()) > 10


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    translations = catalog(language)
    missing = sorted(m for m in used_messages() if not translations.get(m))
    assert missing == [], f"{language} lacks {len(missing)} translation(s): {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    placeholders = re.compile(r"\{(\w+)\}")
    for source, translated in catalog(language).items():
        assert set(placeholders.findall(source)) == set(placeholders.findall(translated)), source


def string_constants(path: Path) -> list[tuple[int, str]]:
    """String literals a program could show, i.e. all but docstrings (comments never count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_no_chinese_text_hides_in_python_strings() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("bot", "core")
        for path in (ROOT / folder).rglob("*.py")
        for line, text in string_constants(path)
        if cjk.search(text)
    ]
    assert offenders == []
