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
