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


def test_a_romanisation_variant_is_credited_and_named():
    hit = compare(Query("Khamza Dzhalal"), entry("HAMZA, Jalal"))
    assert hit is not None and hit.score >= REVIEW_THRESHOLD
    assert "'khamza' is a spelling variant of 'hamza'" in hit.reasons
    assert "'dzhalal' is a spelling variant of 'jalal'" in hit.reasons


def test_a_name_in_cyrillic_matches_its_english_romanisation():
    assert score("Джамал Хамза Хасан", "HAMZA, Jamal Hasan") >= REVIEW_THRESHOLD


def test_a_multi_word_company_does_not_hit_a_one_word_listed_name_on_one_shared_word():
    hit = compare(Query("Sierra Lobo"), entry("SIERRA"))
    assert hit is not None and hit.score < REVIEW_THRESHOLD
    assert "a distinctive word only the query has lowers the score" in hit.reasons
    assert score("Sierra", "SIERRA LOBO") < REVIEW_THRESHOLD


def test_a_short_word_one_letter_off_does_not_match_on_its_own():
    assert score("AVIC", "AVIC") == 1.0
    hit = compare(Query("Avid LLC"), entry("AVIC"))
    assert hit is not None and hit.score < REVIEW_THRESHOLD
    assert any("short word" in r for r in hit.reasons)


def test_a_short_word_one_letter_off_still_matches_beside_other_words():
    assert score("Al Qaeda", "Al Qa'ida") >= REVIEW_THRESHOLD
    assert score("Isi Maritime", "ISSI MARITIME LIMITED") >= REVIEW_THRESHOLD


def test_a_chinese_name_must_match_every_syllable():
    person = {"entity_type": EntityType.PERSON}
    assert score("张建平", "ZHANG, Jianping", **person) >= REVIEW_THRESHOLD
    hit = compare(
        Query("张平", entity_type=EntityType.PERSON), entry("ZHANG, Jiang Ping", **person)
    )
    assert hit is not None and hit.score < REVIEW_THRESHOLD
    assert any("syllable for syllable" in r for r in hit.reasons)


def test_a_title_inside_a_listed_name_does_not_count_against_the_query():
    assert score("Ibrahim", "IBRAHIM, Haji") >= REVIEW_THRESHOLD


def test_another_country_lowers_a_similar_organisation_more_than_a_person():
    firm = entry("Sunrise Tradings", entity_type=EntityType.ENTITY, countries=frozenset({"IR"}))
    man = entry("Ivan Petrovv", entity_type=EntityType.PERSON, countries=frozenset({"IR"}))
    firm_hit = compare(Query("Sunrise Trading", "US", EntityType.ENTITY), firm)
    man_hit = compare(Query("Ivan Petrov", "US", EntityType.PERSON), man)
    assert firm_hit is not None and man_hit is not None
    assert firm_hit.score - firm_hit.name_score < man_hit.score - man_hit.name_score
    reason = "similar organisation's country US differs from IR (score lowered)"
    assert reason in firm_hit.reasons
    same = compare(Query("Sunrise Tradings", "US", EntityType.ENTITY), firm)
    assert same is not None and "country US differs from IR (score lowered)" in same.reasons


def test_a_birth_year_far_from_the_listed_one_lowers_more_than_a_near_one():
    listed = entry("Ivan Petrov", entity_type=EntityType.PERSON, birth_dates=("1960",))
    near = compare(Query("Ivan Petrov", birth_date="1963"), listed)
    far = compare(Query("Ivan Petrov", birth_date="1980"), listed)
    assert near is not None and far is not None
    assert far.score < near.score < 1.0
    assert "birth year 1980 is 20 years from 1960 (score lowered)" in far.reasons


def test_a_typo_in_a_given_name_the_variant_table_rewrote_counts_against_its_spelling():
    hit = compare(Query("CHERRI Adel Mhoamad"), entry("CHERRI, Adel Mohamad"))
    assert hit is not None and hit.score >= REVIEW_THRESHOLD
    assert "1 typo in 'muhammad'" in hit.reasons
    assert score("Zahedi Moitafa", "ZAHEDI, Mostafa") >= REVIEW_THRESHOLD


def test_cyrillic_yo_read_back_as_e_matches_a_listed_yo():
    assert score("Де Мартини Тамаё Сергио", "DE MARTINI TAMAYO, Sergio") >= REVIEW_THRESHOLD
    assert score("Торрес Хоёс Карлос", "TORRES HOYOS, Carlos") >= REVIEW_THRESHOLD  # noqa: RUF001


def test_a_spelled_out_initial_matches_the_single_letter():
    assert score("Dzh P Advertising", "J AND P ADVERTISING") >= REVIEW_THRESHOLD


def test_a_one_word_name_with_one_typo_hits_only_when_the_facts_agree():
    listed = entry("KOHAS AG", entity_type=EntityType.ENTITY, countries=frozenset({"CH"}))
    agree = compare(Query("KOiAS AG", "CH", EntityType.ENTITY), listed)
    assert agree is not None and agree.score >= REVIEW_THRESHOLD
    assert "'koias' is one short word like 'kohas', and the facts agree: counted" in agree.reasons
    other_country = compare(Query("KOiAS AG", "US", EntityType.ENTITY), listed)
    untyped = compare(Query("KOiAS AG"), listed)
    longer = compare(Query("Koias Systems", entity_type=EntityType.ENTITY), listed)
    for hit in (other_country, untyped, longer):
        assert hit is not None and hit.score < REVIEW_THRESHOLD
