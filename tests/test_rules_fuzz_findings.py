"""What fuzzing the revision loader found (issue 11.9, tests/properties/test_fuzz_rules.py),
pinned: a value that should be a table but is not says so, and a key or id from the file
is quoted with its line breaks and controls escaped, so the error stays one line."""

from __future__ import annotations

from pathlib import Path

import pytest

import rules


def _refusal(tmp_path: Path, text: str) -> str:
    path = tmp_path / "r.toml"
    path.write_text('id = "r1"\nextends = "dalian-2011"\n' + text, encoding="utf-8")
    with pytest.raises(rules.RulesError) as refused:
        rules.load(path)
    message = str(refused.value)
    assert len(message.splitlines()) == 1, message
    return message.removeprefix(f"{path}: ")


def test_a_target_that_is_not_a_table_says_so(tmp_path: Path):
    # Was "target.city: unknown error ('list' object has no attribute 'keys')".
    assert _refusal(tmp_path, 'target = {"city" = [1, 2]}\n') == (
        "target.city: expected a table, got an array"
    )
    assert _refusal(tmp_path, 'target = {"city" = "200"}\n') == (
        'target.city: expected a table, got "200"'
    )


def test_an_unknown_key_with_a_line_break_stays_on_one_line(tmp_path: Path):
    message = _refusal(tmp_path, '[target.city]\npoints = "1"\n"a\\nb" = 1\n')
    assert message == 'target.city: unknown key "a\\u000Ab" (valid: points)'


@pytest.mark.parametrize(
    "odd", ["\\u2028", "\\u0085", "\\u001B[31m", "\\u202E"]
)  # a line separator, NEL, a terminal escape, a bidi override: as TOML escapes, upper case
def test_a_clause_id_with_a_break_or_control_is_escaped(tmp_path: Path, odd: str):
    message = _refusal(tmp_path, f'[override."sub{odd}mission"]\npoints = "1"\n')
    assert message.startswith(f'override."sub{odd}mission": no clause "sub{odd}mission" in ')


def test_an_extends_with_a_line_break_names_the_missing_file_on_one_line(tmp_path: Path):
    # Found by the fuzz profile (HYPOTHESIS_PROFILE=fuzz, docs/testing.md): the missing
    # file's path, which holds the extends text, was printed raw, so "\r" split the line.
    path = tmp_path / "r.toml"
    path.write_text('id = "r1"\nextends = "\\r"\n', encoding="utf-8")
    with pytest.raises(rules.RulesError) as refused:
        rules.load(path)
    message = str(refused.value)
    assert len(message.splitlines()) == 1, message
    assert message.endswith(f'nor a file ("{tmp_path}/\\u000D")')
