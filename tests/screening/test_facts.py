"""The country and birth date a caller gives with a name to screen."""

import pytest

from indusx.screening.facts import parse_birth_date, parse_country


@pytest.mark.parametrize(("given", "code"), [("RU", "RU"), ("Russia", "RU"), (" india ", "IN"),
                                             ("", None), (None, None)])
def test_a_country_is_an_iso_code_or_an_english_name(given: str | None, code: str | None) -> None:
    assert parse_country(given) == code


def test_an_unknown_country_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="Atlantis"):
        parse_country("Atlantis")


@pytest.mark.parametrize("given", ["1960", "1960-05", "1960-05-31"])
def test_a_birth_date_is_a_year_or_a_date(given: str) -> None:
    assert parse_birth_date(f" {given} ") == given


@pytest.mark.parametrize("given", ["31/12/1960", "sixty", "19600"])
def test_other_birth_date_forms_are_refused(given: str) -> None:
    with pytest.raises(ValueError, match="is not a year"):
        parse_birth_date(given)
