from indusx.screening.engine import REVIEW_THRESHOLD, EntityType, IndexEntry, Query, compare


def entry(*names: str, **kw) -> IndexEntry:
    return IndexEntry(key=1, names=names, **kw)


def score(query: str, *names: str, **kw) -> float:
    hit = compare(Query(query), entry(*names, **kw))
    assert hit is not None
    return hit.score


def test_an_exact_name_scores_one_and_says_so():
    hit = compare(Query("Olaf Scholz"), entry("Olaf Scholz"))
    assert hit is not None
    assert hit.score == 1.0
    assert hit.reasons == ("name matches exactly after normalisation",)
    assert hit.matched_fields == ("name",)


def test_token_order_does_not_matter():
    hit = compare(Query("Putin Vladimir"), entry("Vladimir Putin"))
    assert hit is not None and hit.score == 1.0
    assert "all name tokens match in another order" in hit.reasons


def test_a_typo_still_matches_and_is_named():
    hit = compare(Query("Vladimir Putn"), entry("Vladimir Putin"))
    assert hit is not None and hit.score >= REVIEW_THRESHOLD
    assert "1 typo in 'putin'" in hit.reasons


def test_a_different_surname_does_not_match():
    hit = compare(Query("Jamal Sultan al-Dulaimi"), entry("Jamal Sultan al-Tikriti"))
    assert hit is not None and hit.score < REVIEW_THRESHOLD
    assert any("differs" in r for r in hit.reasons)


def test_a_dropped_middle_name_of_a_person_still_matches():
    q = Query("Vladimir Putin", entity_type=EntityType.PERSON)
    hit = compare(q, entry("PUTIN, Vladimir Vladimirovich", entity_type=EntityType.PERSON))
    assert hit is not None and hit.score >= REVIEW_THRESHOLD


def test_numbers_must_agree():
    assert score("Brigade 44", "Brigade 45") < REVIEW_THRESHOLD


def test_legal_forms_do_not_make_two_companies_alike():
    assert score("Volkswagen AG", "Siemens AG") < 0.3


def test_a_name_in_another_script_matches_its_latin_form():
    assert score("Владимир Путин", "Vladimir Putin") >= REVIEW_THRESHOLD
    assert score("أسامة بن لادن", "Osama bin Laden") >= REVIEW_THRESHOLD
    assert score("习近平", "Xi Jinping") >= REVIEW_THRESHOLD


def test_an_alias_match_says_which_alias():
    hit = compare(Query("Banco Nacional"), entry("National Bank of Cuba", "Banco Nacional"))
    assert hit is not None
    assert hit.matched_name == "Banco Nacional"
    assert hit.matched_fields[0] == "alias"
    assert "alias 'Banco Nacional' matches" in hit.reasons


def test_a_weak_alias_scores_lower_than_a_strong_one():
    strong = score("Abu Ahmad", "Someone Else", "Abu Ahmad")
    weak = score("Abu Ahmad", "Someone Else", weak_names=("Abu Ahmad",))
    assert weak < strong
    hit = compare(Query("Abu Ahmad"), entry("Someone Else", weak_names=("Abu Ahmad",)))
    assert hit is not None and any("weak alias" in r for r in hit.reasons)


def test_matching_facts_raise_the_score_and_differing_ones_lower_it():
    listed = entry("Ivan Petrov", countries=frozenset({"RU"}), birth_dates=("1960-05-01",))
    plain = compare(Query("Ivan Petrof"), listed)
    same = compare(Query("Ivan Petrof", country="RU", birth_date="1960"), listed)
    other = compare(Query("Ivan Petrof", country="IN", birth_date="1975"), listed)
    assert plain is not None and same is not None and other is not None
    assert other.score < plain.score < same.score
    assert "birth year 1960 matches" in same.reasons
    assert "country RU matches" in same.reasons
    assert set(same.matched_fields) >= {"name", "country", "birth_date"}
    assert "country IN differs from RU (score lowered)" in other.reasons
    assert plain.name_score == same.name_score == other.name_score


def test_a_differing_entity_type_lowers_the_score():
    listed = entry("Sunrise Trading", entity_type=EntityType.ENTITY)
    person = compare(Query("Sunrise Trading", entity_type=EntityType.PERSON), listed)
    company = compare(Query("Sunrise Trading", entity_type=EntityType.ENTITY), listed)
    assert person is not None and company is not None
    assert person.score < company.score
    assert "type" in company.matched_fields
    assert any("entity type differs" in r for r in person.reasons)


def test_an_empty_name_is_not_comparable():
    assert compare(Query(" -- "), entry("Vladimir Putin")) is None
