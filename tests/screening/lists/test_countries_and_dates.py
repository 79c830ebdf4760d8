import pytest

from indusx.screening.lists.countries import to_iso2
from indusx.screening.lists.dates import birth_dates, normalise_date


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("IN", "IN"),
        ("in", "IN"),
        ("IND", "IN"),
        ("India", "IN"),
        ("Russia", "RU"),
        ("Iran", "IR"),
        ("Korea, North", "KP"),
        ("North Korea", "KP"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Burma", "MM"),
        ("Syria", "SY"),
        ("Venezuela", "VE"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Congo, Democratic Republic of the", "CD"),
        ("United Kingdom", "GB"),
        ("USA", "US"),
        ("Hong Kong", "HK"),
        ("Taiwan", "TW"),
        ("Palestinian", "PS"),
        ("possibly Palestinian", "PS"),
        ("Crimea region of Ukraine", "UA"),
        ("Region: Crimea", "UA"),
        ("Cote d Ivoire", "CI"),
        ("Curacao", "CW"),
        ("Kosovo", "XK"),
        ("Russian", "RU"),
        ("Iranian", "IR"),
        ("Chinese", "CN"),
        ("Pakistani", "PK"),
        ("Lebanese", "LB"),
        ("Nahia, Giza, Egypt", "EG"),
        ("Sarajevo, Bosnia-Herzegovina.", "BA"),
    ],
)
def test_country_names_codes_and_nationality_words_map_to_iso2(value: str, code: str) -> None:
    assert to_iso2(value) == code


@pytest.mark.parametrize("value", ["", "EU", "undetermined", "Atlantis", "Korea", "XX"])
def test_unknown_or_ambiguous_countries_map_to_none(value: str) -> None:
    assert to_iso2(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-31", "2024-01-31"),
        ("2021-06-03T00:00:00", "2021-06-03"),
        ("2024-02", "2024-02"),
        ("2022", "2022"),
        ("01 Jan 1960", "1960-01-01"),
        ("10 October 1969", "1969-10-10"),
        ("Dec 1960", "1960-12"),
        ("October 1, 2027", "2027-10-01"),
        ("24.02.2026", "2026-02-24"),
        ("13.07.23", "2023-07-13"),
        ("31 Feb 1960", None),
        ("sometime", None),
        ("", None),
    ],
)
def test_dates_normalise_to_iso_forms(value: str, expected: str | None) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01 Jan 1960", ("1960-01-01",)),
        ("1960", ("1960",)),
        ("circa 1960", ("1960",)),
        ("circa 01 Jul 1960", ("1960-07-01",)),
        ("1958 to 1960", ("1958", "1959", "1960")),
        ("circa 1979-1982", ("1979", "1980", "1981", "1982")),
        ("01 Jan 1960 to 31 Dec 1961", ("1960", "1961")),
        ("05 Mar 1960 to 05 Mar 1960", ("1960-03-05",)),
        ("1900 to 1990", ("1900", "1990")),
        ("unknown", ()),
    ],
)
def test_birth_dates_expand_approximations_and_ranges(
    value: str, expected: tuple[str, ...]
) -> None:
    assert birth_dates(value) == expected
