"""Feed URLs: schemes, default ports, credentials kept out of what is shown."""

from __future__ import annotations

import pytest

from jetwatch.live.feeds import FeedError, parse


def test_schemes_give_formats_and_readsb_ports() -> None:
    assert (parse("beast://rx.lan").format, parse("beast://rx.lan").port) == ("beast", 30005)
    assert (parse("raw://rx.lan").format, parse("raw://rx.lan").port) == ("avr", 30002)
    assert (parse("sbs://rx.lan:4000").format, parse("sbs://rx.lan:4000").port) == ("sbs", 4000)
    polled = parse("http://rx.lan/data/aircraft.json")
    assert polled.polled and polled.port == 80


def test_unknown_scheme_lists_the_valid_ones() -> None:
    with pytest.raises(FeedError) as err:
        parse("tcp://rx.lan:30005")
    assert "beast://" in str(err.value) and "sbs://" in str(err.value)
    with pytest.raises(FeedError):
        parse("beast://")


def test_credentials_are_never_shown() -> None:
    feed = parse("https://user:s3cret@rx.lan/tar1090/data/aircraft.json")
    assert "s3cret" not in feed.shown and "s3cret" not in feed.name
    assert feed.shown.startswith("https://***@rx.lan")
