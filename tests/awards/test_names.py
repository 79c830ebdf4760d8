"""Firm names: one key per firm however it is spelt, and a tidy name to show."""

from collections import Counter

from indusx.awards.names import display_name, firm_key, name_words, tidy_case


def test_spellings_of_one_firm_share_a_key() -> None:
    spellings = ["ACME, INC.", "Acme Inc", "Acme, Incorporated", "acme inc.", "ACME CO., INC.",
                 "Acme L.L.C.", "The Acme Corporation", "Acme, Inc. dba Acme Sonar",
                 "ACME, LLC (DBA ACME SON", "Ácme Inc"]
    assert {firm_key(s) for s in spellings} == {"acme"}


def test_ampersand_punctuation_and_spaces_do_not_split_a_firm() -> None:
    assert firm_key("Black & Ryan Engineering") == firm_key("BLACK AND RYAN ENGINEERING, INC.")
    assert firm_key("Soph-Ware  Assoc.") == firm_key("SOPH WARE ASSOC")
    assert firm_key("O'Brien Labs") == firm_key("OBRIEN LABS LLC")


def test_distinct_firms_stay_distinct() -> None:
    names = ["Acme Inc", "Acme Systems Inc", "Acme Research LLC", "Physical Optics Corp",
             "Physical Sciences Inc", "Company Inc"]
    assert len({firm_key(n) for n in names}) == len(names)


def test_a_name_made_only_of_a_legal_form_keeps_a_key() -> None:
    assert firm_key("Company Inc") == "company"
    assert firm_key("!!!") == ""


def test_capitals_only_names_get_title_case_keeping_acronyms() -> None:
    assert tidy_case("21ST CENTURY SYSTEMS, INC.") == "21st Century Systems, Inc."
    assert tidy_case("AC MATERIALS, LLC") == "AC Materials, LLC"
    assert tidy_case("MTI INSTRUMENTS AND SKY RESEARCH") == "MTI Instruments and Sky Research"
    assert tidy_case("I.D.E.A.L. TECHNOLOGY CORP") == "I.D.E.A.L. Technology Corp"
    assert tidy_case("CFD RESEARCH CORPORATION") == "CFD Research Corporation"


def test_mixed_case_names_are_left_as_written() -> None:
    assert tidy_case("eWave Informatics") == "eWave Informatics"


def test_display_name_is_the_most_frequent_spelling_tidied() -> None:
    assert display_name(Counter({"ACME SONAR, INC.": 5, "Acme Sonar Inc": 2})) == (
        "Acme Sonar, Inc.")
    # On a tie, a spelling in mixed case says more about the firm's own casing.
    assert display_name(Counter({"MAYACHITRA INC": 1, "MayaChitra Inc": 1})) == "MayaChitra Inc"


def test_display_name_drops_a_parenthesis_the_source_cut_off() -> None:
    assert display_name({"GLOBAL EMEDICINE (DBA MEDANTIC TECHNOLOG": 1}) == "Global Emedicine"


def test_name_words_include_the_initials_of_the_name() -> None:
    assert {"physical", "optics", "poc", "po"} <= name_words(["PHYSICAL OPTICS CORPORATION"])
