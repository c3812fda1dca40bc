"""Policy files: a wrong file is one readable ``PolicyError`` line (file, key path, problem),
never a traceback; the authority chain decides who may grant what (PROCEDURE.md §5)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.policy import Deadline, PolicyError, load_policy, policy_from_mapping

VALID = """\
name = "test"

[calendar]
timezone = "Asia/Shanghai"
hours = { weekdays = ["09:00-17:00"] }

[[departments]]
code = "quality"
name = "质量部"

[[categories]]
code = "product_quality"
department = "quality"

[sla]
handover = "30m"
department_solution = "3d"

[[escalation]]
code = "specialist"
compensation_limit = 500
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    return caught.value


def assert_one_line_without_traceback(error: PolicyError) -> None:
    message = str(error)
    assert "\n" not in message
    assert "Traceback" not in message and "pydantic" not in message
    assert error.__cause__ is None and error.__suppress_context__


# --- the file as written ----------------------------------------------------------------


def test_valid_policy_file_loads(tmp_path):
    policy = load_policy(write(tmp_path, VALID))
    assert policy.sla[Deadline.HANDOVER].as_kwargs() == {"minutes": 30.0}
    assert policy.sla[Deadline.DEPARTMENT_SOLUTION].as_kwargs() == {"days": 3}
    assert str(policy.sla[Deadline.DEPARTMENT_SOLUTION]) == "3d"


def test_policy_may_be_wrapped_in_a_policy_table(tmp_path):
    wrapped = "[policy]\n" + re.sub(r"^\[(\[?)", r"[\1policy.", VALID, flags=re.MULTILINE)
    assert "[[policy.departments]]" in wrapped and "[policy.calendar]" in wrapped
    assert load_policy(write(tmp_path, wrapped)).name == "test"


def test_unknown_department_in_a_category_names_file_key_and_department(tmp_path):
    path = write(tmp_path, VALID.replace('department = "quality"', 'department = "qualty"'))
    error = error_for(path)
    message = str(error)
    assert message.startswith(str(path))
    assert "categories.product_quality.department" in message
    assert "unknown department 'qualty'" in message
    assert_one_line_without_traceback(error)


def test_bad_duration_names_the_clock_the_value_and_its_line(tmp_path):
    path = write(tmp_path, VALID.replace('handover = "30m"', 'handover = "5x"'))
    error = error_for(path)
    message = str(error)
    assert message.startswith(str(path))
    assert "sla.handover" in message
    assert "'5x' is not a duration like '5d', '12h' or '30m'" in message
    line = VALID.splitlines().index('handover = "30m"') + 1
    assert f"line {line}" in message
    assert_one_line_without_traceback(error)


def test_fractional_working_days_are_refused(tmp_path):
    path = write(tmp_path, VALID.replace('department_solution = "3d"',
                                         'department_solution = "1.5d"'))
    message = str(error_for(path))
    assert "sla.department_solution" in message and "whole number" in message


def test_unknown_clock_is_refused(tmp_path):
    path = write(tmp_path, VALID.replace('handover = "30m"', 'handoff = "30m"'))
    message = str(error_for(path))
    assert "sla.handoff" in message


def test_unknown_top_level_key_names_the_key_and_its_line(tmp_path):
    path = write(tmp_path, VALID.replace('name = "test"', 'name = "test"\ncolour = "red"'))
    error = error_for(path)
    message = str(error)
    assert message.startswith(f"{path}, line 2")
    assert ": colour: " in message and "not permitted" in message
    assert_one_line_without_traceback(error)


def test_unknown_key_in_a_nested_table_names_the_whole_path(tmp_path):
    path = write(tmp_path, VALID.replace('timezone = "Asia/Shanghai"', 'timezon = "Asia/Shanghai"'))
    error = error_for(path)
    assert "calendar.timezon" in str(error)
    assert_one_line_without_traceback(error)


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    broken = VALID.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai')
    path = write(tmp_path, broken)
    error = error_for(path)
    message = str(error)
    line = broken.splitlines().index('timezone = "Asia/Shanghai') + 1
    assert message.startswith(str(path))
    assert "not valid TOML" in message and f"line {line}" in message
    assert_one_line_without_traceback(error)


def test_missing_file_is_one_message(tmp_path):
    error = error_for(tmp_path / "nowhere.toml")
    assert str(error) == f"{tmp_path / 'nowhere.toml'}: no such file"
    assert_one_line_without_traceback(error)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('compensation_limit = 500', 'compensation_limit = -1',
         "escalation.0.compensation_limit"),
        ('code = "specialist"', 'code = "Specialist"', "escalation.0.code"),
        ('hours = { weekdays = ["09:00-17:00"] }', 'hours = { weekdays = ["9-17"] }',
         "period '9-17' is not of the form 'HH:MM-HH:MM'"),
        ('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shangai"', "unknown time zone"),
    ],
)
def test_other_wrong_values_are_one_line_naming_the_key(tmp_path, old, new, expected):
    error = error_for(write(tmp_path, VALID.replace(old, new)))
    assert expected in str(error)
    assert_one_line_without_traceback(error)


def test_escalation_level_listed_twice_is_refused(tmp_path):
    twice = VALID + '\n[[escalation]]\ncode = "specialist"\ncompensation_limit = 1000\n'
    error = error_for(write(tmp_path, twice))
    assert "escalation" in str(error) and "each code once" in str(error)
    assert_one_line_without_traceback(error)


# --- approver_level and can_grant ---------------------------------------------------------


def chain(*levels: dict) -> dict:
    return {
        "name": "chain",
        "departments": [{"code": "quality", "name": "Quality"}],
        "categories": [{"code": "other", "department": "quality"}],
        "sla": {"customer_answer": "5d"},
        "escalation": list(levels),
    }


@pytest.fixture
def food_chain():
    """002 §8: specialist 500, company head 1000, vice-president without limit."""
    return policy_from_mapping(chain(
        {"code": "specialist", "compensation_limit": 500},
        {"code": "company_head", "compensation_limit": 1000},
        {"code": "vice_president", "compensation_limit": None},
    ))


def test_limits_include_their_own_amount(food_chain):
    assert food_chain.approver_level("compensation", Decimal("500")) == 0
    assert food_chain.approver_level("compensation", Decimal("500.01")) == 1
    assert food_chain.approver_level("compensation", Decimal("1000")) == 1
    assert food_chain.approver_level("compensation", Decimal("1000.01")) == 2


def test_rung_without_limit_approves_any_amount(food_chain):
    assert food_chain.approver_level("compensation", Decimal("10000000")) == 2
    assert food_chain.can_grant("vice_president", "compensation", Decimal("10000000"))


def test_higher_rungs_may_grant_what_lower_ones_may_but_not_the_reverse(food_chain):
    amount = Decimal("800")
    assert not food_chain.can_grant("specialist", "compensation", amount)
    assert food_chain.can_grant("company_head", "compensation", amount)
    assert food_chain.can_grant("vice_president", "compensation", amount)


def test_people_off_the_chain_may_grant_nothing(food_chain):
    for who in (None, "intern"):
        assert food_chain.level_index(who) == -1
        assert not food_chain.can_grant(who, "compensation", Decimal("0"))
        assert not food_chain.can_grant(who, "explanation", Decimal("0"))


def test_amount_above_a_finite_top_cannot_be_granted_by_anyone():
    policy = policy_from_mapping(chain(
        {"code": "specialist", "compensation_limit": 500},
        {"code": "manager", "compensation_limit": 1000},
    ))
    assert policy.approver_level("compensation", Decimal("1000.01")) is None
    assert not policy.can_grant("manager", "compensation", Decimal("1000.01"))


def test_return_limit_governs_returns_and_exchanges_only():
    # 001 §4.5.2: returns by sales value; compensation keeps its own limits.
    policy = policy_from_mapping(chain(
        {"code": "manager", "compensation_limit": 1000, "return_limit": "1999.99"},
        {"code": "vice_president", "compensation_limit": 3000, "return_limit": 5000},
        {"code": "general_manager", "compensation_limit": None},
    ))
    assert policy.approver_level("return", Decimal("1500")) == 0
    assert policy.approver_level("exchange", Decimal("1500")) == 0
    assert policy.approver_level("compensation", Decimal("1500")) == 1
    assert policy.approver_level("return", Decimal("3000")) == 1
    assert policy.approver_level("compensation", Decimal("3000")) == 1
    assert policy.approver_level("return", Decimal("5000.01")) == 2
    assert policy.can_grant("vice_president", "return", Decimal("3000"))
    assert not policy.can_grant("manager", "return", Decimal("3000"))


def test_without_return_limit_returns_follow_the_compensation_limit(food_chain):
    assert food_chain.approver_level("return", Decimal("800")) == 1
    assert food_chain.approver_level("discount", Decimal("800")) == 1


def test_revisits_come_from_the_category_else_the_default():
    data = chain({"code": "specialist"})
    data["categories"] = [
        {"code": "engineering_quality", "department": "quality", "revisits": 2},
        {"code": "other", "department": "quality"},
    ]
    policy = policy_from_mapping(data)
    assert policy.revisits_for("engineering_quality") == 2
    assert policy.revisits_for("other") == 1
    assert policy.revisits_for("no_such_category") == 1


def test_unlimited_and_off_are_written_as_words(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "x"\ndigest_time = "off"\n[[departments]]\ncode = "q"\nname = "Q"\n'
        '[[categories]]\ncode = "a"\ndepartment = "q"\n[sla]\nhandover = "1d"\n'
        '[[escalation]]\ncode = "boss"\ncompensation_limit = "unlimited"\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.digest_time is None
    assert policy.escalation[0].compensation_limit is None
    assert policy.approver_level("compensation", Decimal("99999999")) == 0


def test_the_line_named_is_the_faulty_item_not_the_first_of_its_kind(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'name = "x"\n[[departments]]\ncode = "q"\nname = "Q"\n'
        '[[categories]]\ncode = "a"\ndepartment = "q"\n'
        '[[categories]]\ncode = "b"\ndepartment = "nowhere"\n'
        '[sla]\nhandover = "1d"\n[[escalation]]\ncode = "boss"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match=r"line 10: categories\.b\.department"):
        load_policy(path)
