"""Bad input gets a clear error naming the field, in Chinese and English; nothing is guessed."""

import pytest

from advisor.profile import ProfileError, parse_profile, profile_warnings


def errors(data: object) -> dict[str, tuple[str, str]]:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data)
    return {issue.path: (issue.message.zh, issue.message.en) for issue in caught.value.issues}


def test_a_string_for_a_number_names_the_field() -> None:
    assert errors({"project": {"floor_area_m2": "abc"}}) == {"project.floor_area_m2": ("应为数字", "must be a number")}


def test_a_negative_area_is_refused() -> None:
    assert errors({"project": {"floor_area_m2": -5}}) == {"project.floor_area_m2": ("不能小于0", "must be at least 0")}


def test_an_unknown_field_is_refused() -> None:
    assert "project.colour" in errors({"project": {"colour": "red"}})


def test_an_unknown_enum_value_lists_the_allowed_ones() -> None:
    zh, en = errors({"project": {"type": "castle"}})["project.type"]
    assert "warehouse" in en and "可选" in zh


def test_every_bad_field_is_reported_at_once() -> None:
    found = errors({"project": {"floor_area_m2": "abc", "height_m": -1}, "enterprise": {"size": "huge"}})
    assert set(found) == {"project.floor_area_m2", "project.height_m", "enterprise.size"}


def test_a_malformed_credit_code_is_an_error() -> None:
    zh, en = errors({"enterprise": {"credit_code": "9135010OM000100Y43"}})["enterprise.credit_code"]
    assert "O" in en and "统一社会信用代码" in zh
    assert "18" in errors({"enterprise": {"credit_code": "12345"}})["enterprise.credit_code"][1]


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000101623741K", "911101066976941872"])
def test_valid_credit_codes_pass_without_warning(code: str) -> None:
    assert profile_warnings(parse_profile({"enterprise": {"credit_code": code}})) == []


def test_a_wrong_check_character_is_only_a_warning() -> None:
    profile = parse_profile({"enterprise": {"credit_code": "91350100M000100Y44"}})
    [warning] = profile_warnings(profile)
    assert warning.level == "warning" and warning.path == "enterprise.credit_code" and "3" in warning.message.en


def test_values_are_converted_to_their_types_before_the_engine_sees_them() -> None:
    profile = parse_profile({"project": {"floor_area_m2": "900", "low_risk": "true"}})
    assert profile.project.floor_area_m2 == 900.0 and profile.project.low_risk is True


def test_infinite_and_nan_numbers_are_refused() -> None:
    assert "project.floor_area_m2" in errors({"project": {"floor_area_m2": float("inf")}})
    assert "project.floor_area_m2" in errors({"project": {"floor_area_m2": float("nan")}})


def test_a_profile_must_be_an_object() -> None:
    assert "(profile)" in errors([1, 2])
