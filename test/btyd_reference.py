#!/usr/bin/env python3
"""Writes test/pgtap/btyd_reference.sql: the special functions and BG/NBD
scores against reference values computed at 50 significant digits.

The references are independent of the C code: mpmath's own special
functions, and the textbook BG/NBD formulas (Fader, Hardie & Lee 2005)
evaluated as printed, without the Euler transformation the C code uses.

    python3 test/btyd_reference.py > test/pgtap/btyd_reference.sql
    (Debian: apt-get install python3-mpmath)
"""
from mpmath import mp, mpf, loggamma, digamma, hyp2f1, beta, log, exp, nstr

mp.dps = 50


def s(v):
    return nstr(v, 17, min_fixed=-30, max_fixed=30)


sections = {}


def rows(name, table):
    sections[name] = ",\n".join("(" + ", ".join(s(v) for v in row) + ")" for row in table
                                if abs(row[-1]) < mpf("1e300"))


rows("ln_gamma(x)", [(mpf(x), loggamma(mpf(x))) for x in
                     ["1e-8", "0.001", "0.243", "0.5", "1", "1.5", "2", "3.74", "10.5", "100.25", "1e5", "1e10"]])
rows("digamma(x)", [(mpf(x), digamma(mpf(x))) for x in
                    ["1e-8", "0.001", "0.243", "0.5", "1", "2", "3.74", "9.99", "10", "10.01", "100.25", "1e5", "1e10"]])
rows("ln_beta(a, b)", [(mpf(a), mpf(b), log(beta(mpf(a), mpf(b)))) for a, b in
                       [("0.793", "2.426"), ("0.5", "0.5"), ("1", "1"), ("0.793", "1002.426"),
                        ("6.25", "3.74"), ("1e-3", "1e3"), ("250", "300")]])

# 2F1 where the BG/NBD needs it: (r+x, b+x; a+b+x-1; z) for growing x, plus
# textbook cases.
r, alpha, a, b = mpf("0.243"), mpf("4.414"), mpf("0.793"), mpf("2.426")
cases = [(mpf("0.5"), mpf("0.5"), mpf("1.5"), mpf("0.25")),
         (mpf(1), mpf(1), mpf(2), mpf("-0.5")),
         (mpf("1.5"), mpf("-0.3"), mpf("2.2"), mpf("0.9")),
         (mpf("2.5"), mpf("3.5"), mpf("0.7"), mpf("0.3"))]
for x in [0, 1, 2, 10, 100, 1000, 10000]:
    for z in ["0.1", "0.5", "0.9", "0.99"]:
        cases.append((r + x, b + x, a + b + x - 1, mpf(z)))
rows("hyp2f1(a, b, c, z)", [(A, B, C, z, hyp2f1(A, B, C, z, maxterms=10**7)) for A, B, C, z in cases])


def expected(r, alpha, a, b, t, x, tx, T):
    """FHL 2005 eq. 10, as printed."""
    z = t / (alpha + T + t)
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                       * hyp2f1(r + x, b + x, a + b + x - 1, z, maxterms=10**7))
    den = 1 + (a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x) if x > 0 else 0)
    return num / den


def expected_new(r, alpha, a, b, t):
    """FHL 2005 eq. 7, as printed: a new customer's repeat purchases by t."""
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r
                                    * hyp2f1(r, b, a + b - 1, t / (alpha + t), maxterms=10**7))


def p_alive(r, alpha, a, b, x, tx, T):
    if x == 0:
        return mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def loglik(r, alpha, a, b, x, tx, T):
    """FHL 2005 eq. 6, with the Beta functions as printed."""
    A = beta(a, b + x) / beta(a, b) * exp(loggamma(r + x) - loggamma(r)) * alpha ** r
    L = (alpha + T) ** (-(r + x))
    if x > 0:
        L += beta(a + 1, b + x - 1) / beta(a, b + x) * (alpha + tx) ** (-(r + x))
    return log(A * L)


customers = [(0, 0, "38.86"), (2, "30.43", "38.86"), (1, "1.71", "38.86"), (5, "35", "38.86"),
             (10, "5", "38.86"), (50, "30", "38.86"), (200, "38", "38.86"), (1000, "38.5", "38.86"),
             (3000, "38.8", "38.86")]
bg = [(r, alpha, a, b), (mpf("0.5"), mpf(10), mpf(1), mpf(3)),
      (mpf(2), mpf(50), mpf("1.000001"), mpf("0.8")), (mpf("0.3"), mpf(3), mpf(4), mpf(6))]
rows("expected_purchases(model(r, alpha, a, b), t, x, tx, T)",
     [(r_, al, a_, b_, mpf(t), mpf(x), mpf(tx), mpf(T),
       expected(r_, al, a_, b_, mpf(t), mpf(x), mpf(tx), mpf(T)))
      for (r_, al, a_, b_) in bg for (x, tx, T) in customers for t in ["1", "39", "520"]
      if a_ != 1])
rows("expected_purchases at a = 1: the limit of a -> 1 from both sides",
     [(mpf("0.5"), mpf(10), mpf(1), mpf(3), mpf(t), mpf(x), mpf(tx), mpf(T),
       (expected(mpf("0.5"), mpf(10), 1 + mpf("1e-20"), mpf(3), mpf(t), mpf(x), mpf(tx), mpf(T)) +
        expected(mpf("0.5"), mpf(10), 1 - mpf("1e-20"), mpf(3), mpf(t), mpf(x), mpf(tx), mpf(T))) / 2)
      for (x, tx, T) in customers[:4] for t in ["1", "39"]])
rows("expected_purchases(model(r, alpha, a, b), t) of a new customer",
     [(r_, al, a_, b_, mpf(t), expected_new(r_, al, a_, b_, mpf(t)))
      for (r_, al, a_, b_) in bg for t in ["1", "39", "52", "520"] if a_ != 1])
rows("p_alive(model, x, tx, T)",
     [(r, alpha, a, b, mpf(x), mpf(tx), mpf(T), p_alive(r, alpha, a, b, mpf(x), mpf(tx), mpf(T)))
      for (x, tx, T) in customers])
rows("bgnbd_log_likelihood(r, alpha, a, b, x, tx, T)",
     [(r_, al, a_, b_, mpf(x), mpf(tx), mpf(T), loglik(r_, al, a_, b_, mpf(x), mpf(tx), mpf(T)))
      for (r_, al, a_, b_) in bg for (x, tx, T) in customers])


def gg_loglik(p, q, v, x, m):
    return (loggamma(p * x + q) - loggamma(p * x) - loggamma(q) + q * log(v)
            + (p * x - 1) * log(m) + p * x * log(x) - (p * x + q) * log(x * m + v))


rows("gammagamma_log_likelihood(p, q, v, x, m)",
     [(mpf(p), mpf(q), mpf(v), mpf(x), mpf(m), gg_loglik(mpf(p), mpf(q), mpf(v), mpf(x), mpf(m)))
      for p, q, v in [("6.25", "3.74", "15.44"), ("0.5", "1.5", "2")]
      for x, m in [(1, "14.96"), (3, "29.5"), (40, "0.01"), (1000, "1234.5")]])


def check(description, sql, values, columns):
    quoted = "'" + description.replace("'", "''") + "'"
    return (f"-- {description}\nSELECT is(count(*), 0::bigint, {quoted})\n"
            f"FROM (VALUES\n{values}\n) v({columns})\nWHERE NOT ({sql});\n")


print("""-- GENERATED by test/btyd_reference.py: do not edit by hand.
-- Special functions and BG/NBD scores against 50-digit references (mpmath;
-- the textbook formulas as printed).  Tolerances are relative unless noted.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(10);
""")
print(check("ln_gamma within 2e-15 absolute or relative",
            "abs(ln_gamma(x) - want) <= 2e-15 * greatest(1, abs(want))",
            sections["ln_gamma(x)"], "x, want"))
print(check("digamma within 1e-14 relative",
            "abs(digamma(x) - want) <= 1e-14 * greatest(1, abs(want))",
            sections["digamma(x)"], "x, want"))
print(check("ln_beta within 1e-12 absolute",
            "abs(ln_beta(a, b) - want) <= 1e-12",
            sections["ln_beta(a, b)"], "a, b, want"))
print(check("hyp2f1 within 1e-12 relative, incl. the BG/NBD's (r+x, b+x; a+b+x-1; z) up to x = 100",
            "abs(hyp2f1(a, b, c, z) - want) <= 1e-12 * abs(want)",
            sections["hyp2f1(a, b, c, z)"], "a, b, c, z, want"))
print(check("expected_purchases within 1e-12 relative, frequency up to 3000, horizons to z = 0.93",
            "abs(expected_purchases(ROW(r, alpha, a, b, NULL, NULL, NULL, NULL)::bgnbd_model, t, x::int, tx, tt) - want)"
            " <= 1e-12 * want",
            sections["expected_purchases(model(r, alpha, a, b), t, x, tx, T)"],
            "r, alpha, a, b, t, x, tx, tt, want"))
print(check("expected_purchases at a = 1 equals the two-sided limit within 1e-12 relative",
            "abs(expected_purchases(ROW(r, alpha, a, b, NULL, NULL, NULL, NULL)::bgnbd_model, t, x::int, tx, tt) - want)"
            " <= 1e-12 * want",
            sections["expected_purchases at a = 1: the limit of a -> 1 from both sides"],
            "r, alpha, a, b, t, x, tx, tt, want"))
print(check("expected_purchases of a new customer (FHL eq. 7) within 1e-12 relative",
            "abs(expected_purchases(ROW(r, alpha, a, b, NULL, NULL, NULL, NULL)::bgnbd_model, t) - want) <= 1e-12 * want",
            sections["expected_purchases(model(r, alpha, a, b), t) of a new customer"],
            "r, alpha, a, b, t, want"))
print(check("p_alive within 1e-13 relative",
            "abs(p_alive(ROW(r, alpha, a, b, NULL, NULL, NULL, NULL)::bgnbd_model, x::int, tx, tt) - want) <= 1e-13 * want",
            sections["p_alive(model, x, tx, T)"], "r, alpha, a, b, x, tx, tt, want"))
print(check("bgnbd_log_likelihood within 1e-12 relative",
            "abs(bgnbd_log_likelihood(r, alpha, a, b, x::int, tx, tt) - want) <= 1e-12 * greatest(1, abs(want))",
            sections["bgnbd_log_likelihood(r, alpha, a, b, x, tx, T)"], "r, alpha, a, b, x, tx, tt, want"))
print(check("gammagamma_log_likelihood within 1e-12 relative",
            "abs(gammagamma_log_likelihood(p, q, v, x::int, m) - want) <= 1e-12 * greatest(1, abs(want))",
            sections["gammagamma_log_likelihood(p, q, v, x, m)"], "p, q, v, x, m, want"))
print("SELECT * FROM finish();\nROLLBACK;")
