"""`rb import twitter` on the first 5,000 tweets of twcs, checked against the raw CSV."""
from __future__ import annotations

import csv
import io
import statistics
from datetime import datetime

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

from .conftest import assert_contract, builtin_or, dataset, import_into, rb_json, write_spec

RAW = "twcs-head5000/twcs_head5000.csv"
NOW = "2017-12-04T00:00:00"
TABLES = ("teams", "owners", "contacts", "tickets", "ticket_status_changes", "conversations", "messages")


@pytest.fixture(scope="module")
def tweets():
    text = dataset(RAW).read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b" ").decode("utf-8")
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        parent = row["in_response_to_tweet_id"]
        rows[int(row["tweet_id"])] = (row["inbound"] == "True",
                                      datetime.strptime(row["created_at"], "%a %b %d %H:%M:%S %z %Y"),
                                      int(float(parent)) if parent else None)
    return rows


@pytest.fixture(scope="module")
def threads(tweets):
    """root tweet id -> its tweets, following in_response_to_tweet_id inside the file."""
    def root(tweet_id):
        while tweets[tweet_id][2] in tweets:
            tweet_id = tweets[tweet_id][2]
        return tweet_id

    grouped = {}
    for tweet_id in tweets:
        grouped.setdefault(root(tweet_id), []).append(tweet_id)
    return grouped


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("twitter")
    output = import_into("twitter", dataset(RAW), out)
    assert "carriage return" in output
    return out


def test_tables_follow_the_contract(imported):
    assert_contract(imported, TABLES)


def test_threads_and_directions(imported, tweets, threads, tmp_path):
    spec = write_spec(tmp_path, "dir", "source: messages\ndimensions: [direction]\nmeasures:\n"
                      "  - count() as messages\n  - count_distinct(conversation_id) as threads\n")
    rows = {r["direction"]: r for r in rb_json(spec, imported, NOW)}
    incoming = sum(1 for t in tweets.values() if t[0])
    assert rows["incoming"]["messages"] == incoming == 2778
    assert rows["outgoing"]["messages"] == len(tweets) - incoming == 2222
    [row] = rb_json(write_spec(tmp_path, "conv", "source: conversations\nmeasures:\n  - count() as n\n"),
                    imported, NOW)
    assert row["n"] == len(threads)


def test_median_first_reply_time(imported, tweets, threads, tmp_path):
    waits = []
    for ids in threads.values():
        ordered = sorted(ids, key=lambda i: (tweets[i][1], i))
        first_in = next((tweets[i][1] for i in ordered if tweets[i][0]), None)
        reply = next((tweets[i][1] for i in ordered if not tweets[i][0] and first_in and tweets[i][1] >= first_in), None)
        if first_in and reply:
            waits.append((reply - first_in).total_seconds())
    spec = write_spec(tmp_path, "frt", "source: tickets\nmeasures:\n  - median(time_to_first_response) as median\n"
                      "  - count_if(first_response_at is not null) as answered\n")
    [row] = rb_json(spec, imported, NOW)
    assert row["answered"] == len(waits)
    assert row["median"] == pytest.approx(statistics.median(waits))


def test_builtin_reports_run(imported, tweets, tmp_path):
    spec = builtin_or("messages_received_by_hour", "source: messages\nfilters: [\"direction = 'incoming'\"]\n"
                      "dimensions:\n  - field: sent_at\n    granularity: hour_of_day\n    as: hour\n"
                      "measures:\n  - count() as messages\n", tmp_path)
    rows = rb_json(spec, imported, NOW, "--from", "2011-01-01", "--to", "2017-12-04")
    counts = [v for r in rows for k, v in r.items() if k != "hour" and isinstance(v, int)]
    assert rows and max(counts) > 0
    spec = builtin_or("first_response_time_over_time", "source: tickets\nmeasures:\n"
                      "  - avg(time_to_first_response) as avg\n", tmp_path)
    assert rb_json(spec, imported, NOW, "--from", "2017-01-01", "--to", "2017-12-04")


def test_wrong_format_and_missing_file(tmp_path):
    source = dataset("technion-callcenter-feb1999/data_anonymous_bank_february.txt")
    result = CliRunner().invoke(main, ["import", "twitter", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "tweet_id" in result.output
    result = CliRunner().invoke(main, ["import", "twitter", str(tmp_path / "none.csv"), "-o", str(tmp_path)])
    assert result.exit_code == 1 and "no such file" in result.output
