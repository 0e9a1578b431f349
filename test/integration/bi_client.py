"""A BI tool's view of the extension: a real driver (psycopg 3) over TCP with
a password, server-side prepared statements with parameters, composite and
set-returning results, and summary types in text and binary format.

Run by bi_client.sh, which creates the role and the data; the expected
values are recomputed here from the same rows with plain SQL or by hand.
"""
import os
import sys

import psycopg

conninfo = os.environ["BI_CONNINFO"]
failures = []
checks = 0


def check(name, got, expected):
    global checks
    checks += 1
    if got != expected:
        failures.append(f"{name}: got {got!r}, expected {expected!r}")


with psycopg.connect(conninfo) as conn:
    cur = conn.cursor()

    # a parameterized KPI through a server-side prepared statement
    for channel in ("web", "app"):
        cur.execute(
            "SELECT retention.nps(score), retention.responses(retention.nps_agg(score)) "
            "FROM survey WHERE channel = %s",
            (channel,),
            prepare=True,
        )
        nps, responses = cur.fetchone()
        cur.execute(
            "SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))"
            " / count(score), count(score) FROM survey WHERE channel = %s",
            (channel,),
        )
        expected_nps, expected_responses = cur.fetchone()
        check(f"nps({channel})", round(nps, 9), round(float(expected_nps), 9))
        check(f"responses({channel})", responses, expected_responses)

    # parameters of every kind the API takes: int scale, float confidence
    cur.execute(
        "SELECT retention.csat(score, %s), retention.nps_margin(retention.nps_agg(score - 1), %s) "
        "FROM survey WHERE score BETWEEN 1 AND %s",
        (10, 0.9, 10),
        prepare=True,
    )
    csat10, margin = cur.fetchone()
    cur.execute("SELECT count(*) FILTER (WHERE score >= 9)::float8 / count(*) FROM survey WHERE score >= 1")
    check("csat(score, 10)", csat10, cur.fetchone()[0])
    check("nps_margin is a positive float", isinstance(margin, float) and margin > 0, True)

    # summary types in text format: the exact text form, parsed back by the server
    cur.execute("SELECT retention.nps_agg(score) FROM survey")
    text_form = cur.fetchone()[0]
    check("nps_summary text form", text_form.startswith("v1 promoters="), True)
    cur.execute("SELECT retention.nps(%s::retention.nps_summary)", (text_form,), prepare=True)
    cur2 = conn.cursor()
    cur2.execute("SELECT retention.nps(score) FROM survey")
    check("nps of the round-tripped summary", cur.fetchone()[0], cur2.fetchone()[0])

    # summary types in binary format: the send() bytes, sent back as a parameter
    bcur = conn.cursor(binary=True)
    bcur.execute("SELECT retention.nps_agg(score) FROM survey")
    raw = bcur.fetchone()[0]
    check("nps_summary binary form starts with its version byte", bytes(raw[:1]), b"\x01")
    check("nps_summary binary form is 1 + 3 x 8 bytes", len(raw), 25)
    cur.execute("SELECT retention.nps_summary_send(retention.nps_agg(score)) FROM survey")
    check("binary result = nps_summary_send()", bytes(raw), bytes(cur.fetchone()[0]))

    # a rollup over summaries stored in a table, grouped, as a dashboard does
    cur.execute(
        "SELECT month, retention.nps(retention.rollup(summary)) FROM nps_daily_view "
        "WHERE month >= %s GROUP BY month ORDER BY month",
        ("2024-01-01",),
        prepare=True,
    )
    rows = cur.fetchall()
    check("monthly rollup rows", len(rows), 3)
    cur.execute(
        "SELECT date_trunc('month', day)::date, retention.nps(score) FROM survey GROUP BY 1 ORDER BY 1"
    )
    check("monthly rollup = direct", [(m, round(v, 9)) for m, v in rows],
          [(m, round(v, 9)) for m, v in cur.fetchall()])

print(f"bi client: {checks} checks through psycopg {psycopg.__version__} over TCP with a password"
      + (f", {len(failures)} FAILED" if failures else ", all passed"))
for failure in failures:
    print("  " + failure)
sys.exit(1 if failures else 0)
