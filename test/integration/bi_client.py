"""A BI tool's view of the extension: a real driver (psycopg 3) over TCP with
a password, server-side prepared statements with parameters, composite and
set-returning results, and summary types in text and binary format.

Run by bi_client.sh, which creates the role and the data; the expected
values are recomputed here from the same rows with plain SQL or by hand.
"""
import os
import statistics
import sys

import psycopg
from psycopg.types.composite import CompositeInfo, register_composite

conninfo = os.environ["BI_CONNINFO"]
failures = []
checks = 0


def add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


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
    # nps_margin by its documented formula, z from Python's own normal
    # quantile: the adjusted Wald interval, z x 100 x sqrt((p+ + p- -
    # (p+ - p-)^2) / n) after adding 3/4 promoter, 3/4 detractor and 3/2
    # passive pseudo-responses (n + 3 in all), over the shifted scores
    cur.execute(
        "SELECT count(*) FILTER (WHERE score - 1 >= 9), count(*) FILTER (WHERE score - 1 <= 6), count(*)"
        " FROM survey WHERE score BETWEEN 1 AND 10"
    )
    promoters, detractors, n = cur.fetchone()
    p_plus, p_minus = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
    z = statistics.NormalDist().inv_cdf(1 - (1 - 0.9) / 2)
    expected_margin = z * 100 * ((p_plus + p_minus - (p_plus - p_minus) ** 2) / (n + 3)) ** 0.5
    check("nps_margin(0.9) = z x 100 x sqrt(...) with pseudo-responses, within 1e-12 relative",
          isinstance(margin, float) and abs(margin - expected_margin) <= 1e-12 * expected_margin, True)
    check("nps_margin's sample has promoters and detractors", promoters > 0 and detractors > 0, True)

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

    # a set-returning accessor with the period as a parameter
    for period in ("month", "quarter"):
        cur.execute(
            "SELECT cohort, period_offset, cohort_size, active, retention FROM retention.cohort_retention("
            "(SELECT retention.activity_agg(customer_id, order_date) FROM orders), %s) ORDER BY 1, 2",
            (period,),
            prepare=True,
        )
        triangle = cur.fetchall()
        cur.execute(
            "WITH firsts AS (SELECT customer_id, date_trunc(%s, min(order_date))::date AS cohort"
            "                FROM orders GROUP BY 1),"
            " active AS (SELECT DISTINCT customer_id, date_trunc(%s, order_date)::date AS bucket FROM orders)"
            " SELECT f.cohort, a.bucket, count(*) FROM firsts f JOIN active a USING (customer_id)"
            " GROUP BY 1, 2",
            (period, period),
        )
        counts = {(c, b): n for c, b, n in cur.fetchall()}
        step = 1 if period == "month" else 3
        mismatches = [row for row in triangle
                      if row[3] != counts.get((row[0], add_months(row[0], step * row[1])), 0)]
        check(f"cohort_retention({period}) rows", len(triangle) > 0, True)
        check(f"cohort_retention({period}) active = plain SQL", mismatches, [])
        check(f"cohort_retention({period}) offset 0 is 1", {r[4] for r in triangle if r[1] == 0}, {1.0})

    # composite results, read as named tuples once their types are registered
    register_composite(CompositeInfo.fetch(conn, "retention.rfm_summary"), conn)
    register_composite(CompositeInfo.fetch(conn, "retention.bgnbd_model"), conn)
    cur = conn.cursor()   # a cursor takes the connection's adapters when created
    cur.execute(
        "SELECT customer_id, retention.rfm(order_date, amount, %s) FROM orders GROUP BY 1 ORDER BY 1",
        ("2024-06-30",),
        prepare=True,
    )
    summaries = dict(cur.fetchall())
    cur.execute(
        "SELECT customer_id, count(DISTINCT order_date) - 1, sum(amount), max(order_date) - min(order_date)"
        " FROM orders WHERE order_date <= '2024-06-30' GROUP BY 1"
    )
    expected = {c: (f, rev, rec) for c, f, rev, rec in cur.fetchall()}
    check("rfm customers", sorted(summaries), sorted(expected))
    check("rfm fields = plain SQL",
          [c for c, s in summaries.items()
           if (s.frequency, s.revenue, s.recency) != expected.get(c)], [])
    cur.execute(
        "SELECT retention.bgnbd_fit(frequency, recency, tenure) FROM ("
        " SELECT (r).frequency, (r).recency::float8, (r).tenure::float8"
        " FROM (SELECT retention.rfm(order_date, amount, %s) AS r FROM orders GROUP BY customer_id) x) y",
        ("2024-06-30",),
        prepare=True,
    )
    model = cur.fetchone()[0]
    check("bgnbd_model is a composite with named fields",
          (model.customers, model.r > 0, model.alpha > 0), (len(expected), True, True))

    # the activity summary in binary: the version byte first
    bcur.execute("SELECT retention.activity_agg(customer_id, order_date) FROM orders")
    check("activity binary form starts with its version byte", bytes(bcur.fetchone()[0][:1]), b"\x01")

print(f"bi client: {checks} checks through psycopg {psycopg.__version__} over TCP with a password"
      + (f", {len(failures)} FAILED" if failures else ", all passed"))
for failure in failures:
    print("  " + failure)
sys.exit(1 if failures else 0)
