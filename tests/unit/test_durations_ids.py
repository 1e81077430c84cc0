import pytest

from heypeter_tui.core.durations import format_clock, format_duration, parse_duration
from heypeter_tui.core.ids import Names, slugify


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("-2h", -7200), ("30m", 1800), ("1h30m", 5400), ("+15m", 900), ("90s", 90), ("1d", 86400), ("- 2 h", -7200)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "2 hours", "h", "-", "30", "1.5h", "10x"])
def test_parse_duration_refuses_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="expected a form like"):
        parse_duration(text)


def test_format_round_trips() -> None:
    for seconds in (-7200, 1800, 5400, 86400 + 60):
        assert parse_duration(format_duration(seconds)) == seconds
    assert format_clock(3 * 3600 - 1) == "02:59:59"


def test_slugify() -> None:
    assert slugify("All tests passing (unit, integration, e2e)") == "all-tests-passing-unit-integration-e2e"
    assert slugify("🚀 Déploiement — Étape 1") == "deploiement-etape-1"
    assert slugify("🚀✓") == "item"
    assert len(slugify("word " * 40)) <= 64
    names = Names()
    assert [names.unique("a") for _ in range(3)] == ["a", "a-2", "a-3"]
    assert names.unique("a-2") == "a-2-2" and names.unique("b") == "b"  # a name taken by numbering stays taken


def test_durations_at_their_limits_and_clocks_and_signs() -> None:
    limit = 100 * 366 * 86400
    assert parse_duration(f"{limit}s") == limit
    with pytest.raises(ValueError, match=r"^'36600d1s' is too long a duration; at most 100 years$"):
        parse_duration("36600d1s")
    with pytest.raises(ValueError, match=r"^'1000000000000s' is too long a duration$"):
        parse_duration("1000000000000s")
    with pytest.raises(ValueError, match=r"too long a duration; at most 100 years"):
        parse_duration("999999999999s")
    assert [format_duration(s, signed=True) for s in (-90, 0, 1, 60, 3600 + 60, 86400)] == [
        "-1m30s", "0m", "+1s", "+1m", "+1h1m", "+1d"
    ]
    assert [format_duration(s) for s in (0, 59, 90061)] == ["0m", "59s", "1d1h1m1s"]
    assert [format_clock(s) for s in (0, 1, 59, 3600, -5, 100 * 3600)] == [
        "00:00:00", "00:00:01", "00:00:59", "01:00:00", "00:00:00", "100:00:00"
    ]


def test_ids_at_their_lengths_are_cut_at_a_word_where_there_is_one() -> None:
    from heypeter_tui.core.ids import MAX_ID, is_identifier

    assert is_identifier("a" * MAX_ID) and not is_identifier("a" * (MAX_ID + 1))
    assert not is_identifier("a\n") and not is_identifier("a\nb") and not is_identifier("-a")  # the whole text
    assert slugify("a" * 64) == "a" * 64  # exactly the length: kept whole
    assert slugify("a" * 31 + " " + "b" * 32) == "a" * 31 + "-" + "b" * 32  # whole, though a break could cut it
    assert slugify("a" * 65) == "a" * 64  # one word too long: cut at the length
    assert slugify("b" * 63 + " c") == "b" * 63  # cut at the last word break that fits
    assert slugify("b" * 60 + " cccccc") == "b" * 60  # ... not in the middle of the word after it
    assert slugify("b" * 64 + " c") == "b" * 64  # a break just past the length still ends a whole word
    assert slugify("-a" + "b" * 70) == "a" + "b" * 63  # no break inside but the one at the start
    assert slugify("--Deploy--") == "deploy" and slugify("x-" * 40).endswith("x")
    assert slugify("x - " * 40) == "-".join("x" * 32)
    names = Names()
    assert names.unique("a") == "a" and names.unique("b") == "b" and names.unique("a") == "a-2"
