"""Customer Support on Twitter (Kaggle `twcs.csv`, Thought Vector 2017).

One row per tweet: customer tweets are `inbound`, brand tweets are not; a reply names
its parent in `in_response_to_tweet_id`. Mapping (details in docs/importers.md):
- messages: one per tweet (id = tweet_id), incoming/contact or outgoing/agent.
- conversations: one per thread (id = the root tweet: follow the parents up to a tweet
  whose parent is absent); inbox = the brand handle; contact = the thread's customer.
- tickets: one per thread (same id) so that first-response reports work, created at the
  customer's first tweet (the request; a brand tweet may open the thread); it is `closed`
  (at its last tweet) when the brand has the last word, else `waiting_on_us`.
- owners: brand agents identified by a signature at the end of the tweet (`^GA`, `-JK`),
  one team per brand.
The file holds bare carriage returns inside unquoted text, which DuckDB cannot parse:
they are replaced by spaces in a scratch copy first (and counted in the summary).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from .base import Recorder, importer, read_header, require_columns, sql_literal, varchar_columns

LABEL = "Twitter customer-support CSV (twcs)"
REQUIRED = ("tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
            "in_response_to_tweet_id")
TIME = "%a %b %d %H:%M:%S %z %Y"
#: an agent signature closing a brand tweet: `^GA`, `*HFG`, `-JK`, `- Ana` is not one.
SIGNATURE = r"(?:\^|\*|-|~|–)\s?([A-Z]{2,4})\s*$"
TABLES = ("teams", "owners", "contacts", "tickets", "ticket_status_changes", "conversations", "messages")


def _clean_copy(source: Path, scratch: Path) -> tuple[Path, int]:
    """Copy SOURCE with CRLF line ends made LF and every other CR made a space."""
    target, stray = scratch / "twcs.csv", 0
    with source.open("rb") as inp, target.open("wb") as out:
        for line in inp:
            if line.endswith(b"\r\n"):
                line = line[:-2] + b"\n"
            stray += line.count(b"\r")
            out.write(line.replace(b"\r", b" "))
    return target, stray


@importer("twitter", LABEL + ": tweets between customers and brand support accounts", TABLES,
          empty=("companies",))
def import_twitter(con, source: Path, record: Recorder, zone: str | None = None) -> dict[str, str]:
    header = read_header(source, ",")
    require_columns(header, REQUIRED, source, LABEL)
    names = [name or "row_index" for name in header]
    with tempfile.TemporaryDirectory(prefix="rb-import-") as scratch:
        clean, stray = _clean_copy(source, Path(scratch))
        con.execute(f"""
            CREATE TABLE raw AS SELECT * FROM read_csv({sql_literal(clean)}, header = true,
                auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {varchar_columns(names)})""")
    if stray:
        record.warn(f"{stray} bare carriage return(s) inside fields were replaced by spaces")
    _tweets(con, record)
    _threads(con)
    for what, table in (("tweets -> messages", "msg"), ("threads -> conversations and tickets", "thread"),
                        ("agent signatures -> owners", "agents")):
        record.map(what, con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    record.drop("tweet text", con.execute("SELECT count(*) FROM tw").fetchone()[0],
                "messages have no body column (the thread's first tweet is its ticket's subject)")
    record.drop("source columns", 1, "response_tweet_id: the same links as in_response_to_tweet_id, "
                "seen from the parent")
    return _queries()


def _tweets(con, record: Recorder) -> None:
    con.execute(f"""
        CREATE TABLE parsed AS SELECT try_cast(tweet_id AS BIGINT) AS id, trim(author_id) AS author,
            lower(trim(inbound)) = 'true' AS incoming, lower(trim(inbound)) IN ('true', 'false') AS inbound_ok,
            try_strptime(trim(created_at), '{TIME}') AT TIME ZONE 'UTC' AS sent_at, text,
            try_cast(try_cast(nullif(trim(in_response_to_tweet_id), '') AS DOUBLE) AS BIGINT) AS parent
        FROM raw""")
    total, bad = con.execute("SELECT count(*), count(*) FILTER (id IS NULL OR sent_at IS NULL OR NOT inbound_ok "
                             "OR author IS NULL) FROM parsed").fetchone()
    con.execute("""CREATE TABLE tw AS SELECT * EXCLUDE (inbound_ok) FROM parsed WHERE id IS NOT NULL
                   AND sent_at IS NOT NULL AND inbound_ok AND author IS NOT NULL
                   QUALIFY row_number() OVER (PARTITION BY id ORDER BY sent_at) = 1""")
    kept = con.execute("SELECT count(*) FROM tw").fetchone()[0]
    record.map("source rows (tweets)", total)
    record.drop("tweets", bad, "no readable tweet_id, author_id, inbound flag or created_at")
    record.drop("tweets", total - bad - kept, "duplicate tweet_id (first kept)")
    orphans = con.execute("SELECT count(*) FROM tw WHERE parent IS NOT NULL AND parent NOT IN "
                          "(SELECT id FROM tw)").fetchone()[0]
    if orphans:
        record.warn(f"{orphans} replies answer a tweet that is not in the file: each starts its own thread")


def _threads(con) -> None:
    """Each tweet's root: follow in_response_to_tweet_id while the parent is in the file."""
    con.execute("""
        CREATE TABLE roots AS
        WITH RECURSIVE walk(id, node, depth) AS (
            SELECT id, id, 0 FROM tw
            UNION ALL
            SELECT w.id, t.parent, w.depth + 1 FROM walk w JOIN tw t ON t.id = w.node
            WHERE t.parent IN (SELECT id FROM tw) AND w.depth < 10000)
        SELECT id, arg_max(node, depth) AS root FROM walk GROUP BY id""")
    con.execute(f"""
        CREATE TABLE msg AS SELECT t.*, r.root AS conversation_id,
            CASE WHEN NOT t.incoming THEN regexp_extract(t.text, '{SIGNATURE}', 1) END AS signature
        FROM tw t JOIN roots r USING (id)""")
    con.execute("""
        CREATE TABLE thread AS SELECT conversation_id AS id,
            min(sent_at) AS started_at, max(sent_at) AS last_at,
            coalesce(min(sent_at) FILTER (incoming), min(sent_at)) AS requested_at,
            arg_max(incoming, (sent_at, id)) AS last_incoming,
            arg_min(text, (sent_at, id)) AS subject,
            try_cast(arg_min(author, (sent_at, id)) FILTER (incoming) AS BIGINT) AS contact_id,
            arg_min(author, (sent_at, id)) FILTER (NOT incoming) AS brand,
            min(sent_at) FILTER (NOT incoming AND sent_at >= first_in) AS first_response_at
        FROM (SELECT *, min(sent_at) FILTER (incoming) OVER (PARTITION BY conversation_id) AS first_in FROM msg)
        GROUP BY conversation_id""")
    con.execute("""CREATE TABLE brands AS SELECT row_number() OVER (ORDER BY author) AS id, author AS name
                   FROM (SELECT DISTINCT author FROM msg WHERE NOT incoming)""")
    con.execute("""CREATE TABLE agents AS SELECT row_number() OVER (ORDER BY m.author, m.signature) AS id,
                       m.author || ' ' || m.signature AS name, b.id AS team_id, min(m.sent_at) AS created_at,
                       m.author, m.signature
                   FROM msg m JOIN brands b ON b.name = m.author
                   WHERE m.signature IS NOT NULL AND m.signature <> '' GROUP BY m.author, m.signature, b.id""")


def _queries() -> dict[str, str]:
    closed = "CASE WHEN NOT last_incoming THEN last_at END"
    return {
        "teams": "SELECT id, name FROM brands",
        "owners": "SELECT id, name, team_id, true AS active, created_at FROM agents",
        "contacts": """SELECT try_cast(author AS BIGINT) AS id, author AS name, min(sent_at) AS created_at
                       FROM msg WHERE incoming AND try_cast(author AS BIGINT) IS NOT NULL GROUP BY author""",
        "tickets": f"""SELECT id, subject, contact_id, 'support' AS pipeline,
                         CASE WHEN last_incoming THEN 'waiting_on_us' ELSE 'closed' END AS status,
                         'social' AS channel, '@' || brand AS channel_account, requested_at AS created_at,
                         first_response_at, {closed} AS closed_at FROM thread""",
        "ticket_status_changes": f"""SELECT id AS ticket_id, 'new' AS status, requested_at AS changed_at FROM thread
                         UNION ALL SELECT id, 'closed', {closed} FROM thread WHERE NOT last_incoming""",
        "conversations": f"""SELECT t.id, t.id AS ticket_id, t.contact_id, NULL AS owner_id, 'social' AS channel,
                         '@' || t.brand AS inbox, CASE WHEN last_incoming THEN 'open' ELSE 'closed' END AS status,
                         t.started_at, {closed} AS closed_at FROM thread t""",
        "messages": """SELECT m.id, m.conversation_id, CASE WHEN m.incoming THEN 'incoming' ELSE 'outgoing' END
                         AS direction, CASE WHEN m.incoming THEN 'contact' ELSE 'agent' END AS sender_type,
                         a.id AS owner_id, 'social' AS channel,
                         CASE WHEN m.incoming THEN 'received' ELSE 'delivered' END AS status, m.sent_at
                       FROM msg m LEFT JOIN agents a ON a.author = m.author AND a.signature = m.signature""",
    }
