import pytest

from indusx.screening.engine import EntityType, IndexEntry, Query, ScreeningIndex
from indusx.screening.engine import index as index_module

LIST = [
    IndexEntry(1, ("PUTIN, Vladimir Vladimirovich", "Владимир Путин"), EntityType.PERSON),
    IndexEntry(2, ("Siemens AG",), EntityType.ENTITY),
    IndexEntry(3, ("Xi Jinping",), EntityType.PERSON),
    IndexEntry(4, ("Osama bin Laden",), EntityType.PERSON, weak_names=("Abu Abdallah",)),
    IndexEntry(5, ("Tactical Missiles Corporation JSC",), EntityType.ENTITY),
    IndexEntry(6, ("Banco Nacional de Cuba", "National Bank of Cuba"), EntityType.ENTITY),
]


@pytest.fixture
def index() -> ScreeningIndex:
    return ScreeningIndex(LIST)


def keys(hits) -> list[int]:
    return [h.key for h in hits]


def test_it_finds_a_listed_name_by_any_spelling(index):
    assert keys(index.search(Query("Vladimir Puttin"))) == [1]
    assert keys(index.search(Query("Путин Владимир"))) == [1]
    assert keys(index.search(Query("SiemensAG"))) == [2]
    assert keys(index.search(Query("习近平"))) == [3]
    assert keys(index.search(Query("Usama ibn Laden"))) == [4]
    assert keys(index.search(Query("Tactical Missiles Corp"))) == [5]


def test_it_finds_nothing_for_an_ordinary_name(index):
    assert index.search(Query("John Smith")) == []
    assert index.search(Query("Bharat Electronics Limited")) == []


def test_it_returns_one_hit_per_entry_even_when_several_aliases_match(index):
    hits = index.search(Query("Banco Nacional de Cuba"), threshold=0.0)
    assert keys(hits).count(6) == 1


def test_it_replaces_an_entry_added_again_under_its_key(index):
    index.add([IndexEntry(2, ("Rosoboronexport",), EntityType.ENTITY)])
    assert len(index) == len(LIST)
    assert index.search(Query("Siemens AG")) == []
    assert keys(index.search(Query("Rosoboronexport"))) == [2]


def test_it_forgets_removed_entries(index):
    index.remove([1, 99])
    assert len(index) == len(LIST) - 1
    assert index.search(Query("Vladimir Putin")) == []
    assert keys(index.search(Query("Siemens AG"))) == [2]


def test_search_many_answers_in_input_order(index):
    queries = [Query("Siemens AG"), Query("John Smith"), Query("Vladimir Putin")]
    assert [keys(h) for h in index.search_many(queries)] == [[2], [], [1]]


def test_search_respects_threshold_and_limit(index):
    loose = index.search(Query("Vladimir Putin"), threshold=0.0, limit=1)
    assert len(loose) == 1
    assert index.search(Query("Vladimir Putin"), threshold=1.01) == []


def test_search_scores_only_retrieved_candidates_never_the_whole_list(monkeypatch):
    scored: list[int] = []
    real = index_module.score_entry

    def spy(query, qkey, entry, *args):
        scored.append(entry.key)
        return real(query, qkey, entry, *args)

    monkeypatch.setattr(index_module, "score_entry", spy)
    filler = [IndexEntry(100 + i, (f"Unrelated Trading {i}",)) for i in range(200)]
    index = ScreeningIndex([*LIST, *filler])
    assert keys(index.search(Query("Vladimir Putin"))) == [1]
    assert scored == [1]


def test_a_common_word_on_the_list_weighs_less_than_a_rare_one():
    common = [IndexEntry(100 + i, (f"Muhammad Nameless{i:03d}",)) for i in range(60)]
    index = ScreeningIndex([*common, IndexEntry(7, ("TABRIZI",))])
    assert index.stats.rarity("muhammad") < index.stats.rarity("tabrizi") == 1.0
    # a rare word shared is not undone by a word the list is full of, but is by a rare one
    assert 7 in keys(index.search(Query("Muhammad Tabrizi")))
    assert 7 not in keys(index.search(Query("Kowalski Tabrizi")))


def test_the_token_statistics_follow_added_and_removed_entries():
    index = ScreeningIndex([IndexEntry(i, (f"Trading Firm{i:03d}",)) for i in range(40)])
    assert index.stats.rarity("trading") < 1.0
    index.remove(range(30))
    assert index.stats.rarity("trading") == 1.0


def test_it_finds_romanisation_variants_and_cyrillic_spellings(index):
    index.add([IndexEntry(8, ("KHALIL, Ezedin Abdel Aziz",), EntityType.PERSON)])
    assert keys(index.search(Query("Halil Ezedin Abdel Aziz"))) == [8]
    assert keys(index.search(Query("Халил Эзедин Абдел Азиз"))) == [8]


def test_a_multi_word_name_does_not_hit_a_one_word_listed_name():
    index = ScreeningIndex([IndexEntry(1, ("DANIEL",)), IndexEntry(2, ("ARTIN",))])
    assert index.search(Query("Daniel Powell")) == []
    assert index.search(Query("Artis Consulting LLC")) == []
    assert keys(index.search(Query("Artin"))) == [2]


def test_it_finds_a_typo_in_a_given_name_by_the_name_as_written():
    index = ScreeningIndex([IndexEntry(1, ("DUBINSKY, Oleksandr",), EntityType.PERSON)])
    assert keys(index.search(Query("Dubinsky Oleknandr"))) == [1]
    assert index.search(Query("Dubinsky Olesya")) == []
