#!/usr/bin/env python3
"""Writes test/pgtap/btyd_family_reference.sql: Pareto/NBD, MBG/NBD and BG/BB
likelihoods and scores against references computed at 60 significant digits.

The references are independent of the C code: for MBG/NBD and BG/BB the
textbook formulas as printed, evaluated with mpmath's arbitrary-precision
hyp2f1 and Beta functions; for the Pareto/NBD the likelihood's defining
integral (Fader, Hardie & Lee, "A Note on Deriving the Pareto/NBD Model and
Related Expressions", 2005) by Gauss-Legendre quadrature in ln(alpha + t) on
two different sets of panels that must agree to 20 digits, cross-checked against the
note's printed ₂F₁ form (eq. 22-24) to 1e-15.
The cases include customers with up to 20,000 repeat purchases, tiny and huge
parameters, and alpha = beta.

    python3 test/btyd_family_reference.py > test/pgtap/btyd_family_reference.sql
    (Debian: apt-get install python3-mpmath)
"""
from mpmath.libmp.libhyper import NoConvergence
from mpmath import mp, mpf, loggamma, hyp2f1, beta, log, exp, nstr, quad, linspace

mp.dps = 60


def s(v):
    return nstr(v, 17, min_fixed=-30, max_fixed=30)


def M(v):
    return mpf(v)


# ---- Pareto/NBD, textbook ----

def pnbd_A0(r, al, s_, be, x, y):
    """the ₂F₁ term of FHL's note at time y: F(...)/(max+y)^(r+s+x)"""
    if al >= be:
        return hyp2f1(r + s_ + x, s_ + 1, r + s_ + x + 1, (al - be) / (al + y)) / (al + y) ** (r + s_ + x)
    return hyp2f1(r + s_ + x, r + x, r + s_ + x + 1, (be - al) / (be + y)) / (be + y) ** (r + s_ + x)


def pnbd_ll_textbook(r, al, s_, be, x, tx, T):
    bracket = 1 / ((al + T) ** (r + x) * (be + T) ** s_) + \
        s_ / (r + s_ + x) * (pnbd_A0(r, al, s_, be, x, tx) - pnbd_A0(r, al, s_, be, x, T))
    return loggamma(r + x) - loggamma(r) + r * log(al) + s_ * log(be) + log(bracket), bracket


def pnbd_ll_integral(r, al, s_, be, x, tx, T):
    """the defining integral: E(T) + s times the integral from tx to T, taken
    over u = ln(alpha + tau), where the integrand is smooth even for a tiny
    alpha, in panels of 1 / (4 (r + x + s)) where it decays fast"""
    f = lambda u: exp(u) ** (-(r + x) + 1) * (be - al + exp(u)) ** (-(s_ + 1))
    u0, u1 = log(al + tx), log(al + T)

    def quadrature(n):
        return quad(f, linspace(u0, u1, n), method="gauss-legendre")
    n = int(min(4000, 200 + 4 * (r + x + s_) * (u1 - u0)))
    integral = quadrature(n) if T > tx else 0
    check = quadrature(n + 97) if T > tx else 0
    assert abs(integral - check) <= mpf("1e-20") * integral, (integral, check)
    bracket = (al + T) ** (-(r + x)) * (be + T) ** (-s_) + s_ * integral
    return loggamma(r + x) - loggamma(r) + r * log(al) + s_ * log(be) + log(bracket), bracket


pnbd_ll = pnbd_ll_integral


def pnbd_p_alive(r, al, s_, be, x, tx, T):
    _, bracket = pnbd_ll(r, al, s_, be, x, tx, T)
    return 1 / ((al + T) ** (r + x) * (be + T) ** s_) / bracket


def pnbd_expected(r, al, s_, be, t, x, tx, T):
    return pnbd_p_alive(r, al, s_, be, x, tx, T) * (r + x) * (be + T) / ((al + T) * (s_ - 1)) * \
        (1 - ((be + T) / (be + T + t)) ** (s_ - 1))


pnbd_params = [("0.553", "10.578", "0.606", "11.669"),   # CDNOW, weeks (alpha < beta)
               ("0.553", "74.046", "0.606", "81.683"),   # the same in days
               ("2.5", "30", "0.8", "12"),               # alpha > beta
               ("0.7", "15", "0.4", "15"),               # alpha = beta
               ("0.001", "0.001", "50", "1000"),         # tiny r and alpha, huge s and beta
               ("40", "2000", "0.002", "0.05")]          # huge r and alpha, tiny s and beta
pnbd_customers = [(0, "0", "39"), (1, "2", "39"), (2, "30.43", "38.86"), (7, "29.6", "30"),
                  (30, "10", "36"), (200, "35", "36"), (1000, "38", "39"), (3000, "77.9", "78"),
                  (20000, "360", "365"), (5, "39", "39")]

ll_rows, alive_rows, exp_rows = [], [], []
for params in pnbd_params:
    r, al, s_, be = map(M, params)
    for x, tx, T in pnbd_customers:
        tx, T = M(tx), M(T)
        ll, _ = pnbd_ll(r, al, s_, be, x, tx, T)
        try:
            check, _ = pnbd_ll_textbook(r, al, s_, be, x, tx, T)
            assert abs(ll - check) < mpf("1e-15") * max(1, abs(ll)), (params, x, tx, T, ll, check)
        except NoConvergence:
            pass    # even mpmath's hyp2f1 gives up on the printed form here

        ll_rows.append((r, al, s_, be, x, tx, T, ll))
        alive_rows.append((r, al, s_, be, x, tx, T, pnbd_p_alive(r, al, s_, be, x, tx, T)))
        if s_ != 1:
            exp_rows.append((r, al, s_, be, M(13), x, tx, T, pnbd_expected(r, al, s_, be, M(13), x, tx, T)))

# ---- MBG/NBD, textbook (Batislam, Denizel & Filiztekin 2007) ----


def mbg_ll(r, al, a, b, x, tx, T):
    L = beta(a, b + x + 1) / beta(a, b) * exp(loggamma(r + x) - loggamma(r)) * al ** r / (al + T) ** (r + x) + \
        beta(a + 1, b + x) / beta(a, b) * exp(loggamma(r + x) - loggamma(r)) * al ** r / (al + tx) ** (r + x)
    return log(L)


def mbg_p_alive(r, al, a, b, x, tx, T):
    return 1 / (1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x))


def mbg_expected(r, al, a, b, t, x, tx, T):
    h = hyp2f1(r + x, b + x + 1, a + b + x, t / (al + T + t))
    return (a + b + x) / (a - 1) * (1 - h * ((al + T) / (al + T + t)) ** (r + x)) / \
        (1 + a / (b + x) * ((al + T) / (al + tx)) ** (r + x))


mbg_params = [("0.525", "6.183", "0.891", "1.614"), ("0.243", "4.414", "1.793", "2.426"),
              ("3", "0.05", "0.2", "40")]
mbg_customers = [(0, "0", "39"), (1, "2", "39"), (7, "29.6", "30"), (300, "35", "36"), (3000, "77.9", "78")]
mbg_ll_rows, mbg_alive_rows, mbg_exp_rows = [], [], []
for params in mbg_params:
    r, al, a, b = map(M, params)
    for x, tx, T in mbg_customers:
        tx, T = M(tx), M(T)
        mbg_ll_rows.append((r, al, a, b, x, tx, T, mbg_ll(r, al, a, b, x, tx, T)))
        mbg_alive_rows.append((r, al, a, b, x, tx, T, mbg_p_alive(r, al, a, b, x, tx, T)))
        mbg_exp_rows.append((r, al, a, b, M(10), x, tx, T, mbg_expected(r, al, a, b, M(10), x, tx, T)))

# ---- BG/BB, textbook (Fader, Hardie & Shang 2010, eq. 5, 11, 13) ----


def bgbb_L(al, be, ga, de, x, tx, n):
    L = beta(al + x, be + n - x) / beta(al, be) * beta(ga, de + n) / beta(ga, de)
    for i in range(n - tx):
        L += beta(al + x, be + tx - x + i) / beta(al, be) * beta(ga + 1, de + tx + i) / beta(ga, de)
    return L


def bgbb_p_alive(al, be, ga, de, x, tx, n):
    return beta(al + x, be + n - x) / beta(al, be) * beta(ga, de + n + 1) / beta(ga, de) / bgbb_L(al, be, ga, de, x, tx, n)


def bgbb_expected(al, be, ga, de, ns, x, tx, n):
    return 1 / bgbb_L(al, be, ga, de, x, tx, n) * beta(al + x + 1, be + n - x) / beta(al, be) * \
        de / (ga - 1) * exp(loggamma(ga + de) - loggamma(1 + de)) * \
        (exp(loggamma(1 + de + n) - loggamma(ga + de + n)) - exp(loggamma(1 + de + n + ns) - loggamma(ga + de + n + ns)))


bgbb_params = [("1.204", "0.750", "0.657", "2.783"), ("0.02", "30", "4", "0.3"), ("2", "1", "1.5", "50")]
bgbb_customers = [(0, 0, 6), (1, 1, 6), (3, 5, 6), (6, 6, 6), (2, 10, 400), (150, 300, 400)]
bgbb_ll_rows, bgbb_alive_rows, bgbb_exp_rows = [], [], []
for params in bgbb_params:
    al, be, ga, de = map(M, params)
    for x, tx, n in bgbb_customers:
        bgbb_ll_rows.append((al, be, ga, de, x, tx, n, log(bgbb_L(al, be, ga, de, x, tx, n))))
        bgbb_alive_rows.append((al, be, ga, de, x, tx, n, bgbb_p_alive(al, be, ga, de, x, tx, n)))
        bgbb_exp_rows.append((al, be, ga, de, 5, x, tx, n, bgbb_expected(al, be, ga, de, 5, x, tx, n)))


def values(table):
    return ",\n".join("(" + ", ".join(s(v) for v in row) + ")" for row in table)


def check(description, sql, table, columns):
    quoted = "'" + description.replace("'", "''") + "'"
    return (f"-- {description}\nSELECT is(count(*), 0::bigint, {quoted})\n"
            f"FROM (VALUES\n{values(table)}\n) v({columns})\nWHERE NOT ({sql});\n")


pn = "ROW(r, alpha, s, beta, NULL, NULL, NULL, NULL)::pnbd_model"
mb = "ROW(r, alpha, a, b, NULL, NULL, NULL, NULL)::mbgnbd_model"
bb = "ROW(al, be, ga, de, NULL, NULL, NULL, NULL)::bgbb_model"
print("""-- GENERATED by test/btyd_family_reference.py: do not edit by hand.
-- Pareto/NBD, MBG/NBD and BG/BB against 60-digit references (mpmath; the
-- textbook formulas as printed).  Tolerances are relative unless noted.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(9);
""")
print(check("pnbd_log_likelihood within 1e-12 relative, frequency up to 20000, tiny and huge parameters, alpha = beta",
            "abs(pnbd_log_likelihood(r, alpha, s, beta, x::int, tx, tt) - want) <= 1e-12 * greatest(1, abs(want))",
            ll_rows, "r, alpha, s, beta, x, tx, tt, want"))
print(check("p_alive(pnbd_model) within 1e-11 relative",
            f"abs(p_alive({pn}, x::int, tx, tt) - want) <= 1e-11 * want",
            alive_rows, "r, alpha, s, beta, x, tx, tt, want"))
print(check("expected_purchases(pnbd_model) within 1e-11 relative",
            f"abs(expected_purchases({pn}, t, x::int, tx, tt) - want) <= 1e-11 * want",
            exp_rows, "r, alpha, s, beta, t, x, tx, tt, want"))
print(check("p_alive(mbgnbd_model) within 1e-13 relative",
            f"abs(p_alive({mb}, x::int, tx, tt) - want) <= 1e-13 * want",
            mbg_alive_rows, "r, alpha, a, b, x, tx, tt, want"))
print(check("expected_purchases(mbgnbd_model) within 1e-12 relative",
            f"abs(expected_purchases({mb}, t, x::int, tx, tt) - want) <= 1e-12 * want",
            mbg_exp_rows, "r, alpha, a, b, t, x, tx, tt, want"))
print(check("mbgnbd_log_likelihood within 1e-12 relative",
            "abs(mbgnbd_log_likelihood(r, alpha, a, b, x::int, tx, tt) - want) <= 1e-12 * greatest(1, abs(want))",
            mbg_ll_rows, "r, alpha, a, b, x, tx, tt, want"))
print(check("bgbb_log_likelihood within 1e-12 relative",
            "abs(bgbb_log_likelihood(al, be, ga, de, x::int, tx::int, n::int) - want) <= 1e-12 * greatest(1, abs(want))",
            bgbb_ll_rows, "al, be, ga, de, x, tx, n, want"))
print(check("p_alive(bgbb_model) within 1e-12 relative",
            f"abs(p_alive({bb}, x::int, tx::int, n::int) - want) <= 1e-12 * want",
            bgbb_alive_rows, "al, be, ga, de, x, tx, n, want"))
print(check("expected_purchases(bgbb_model) within 1e-12 relative",
            f"abs(expected_purchases({bb}, ns::int, x::int, tx::int, n::int) - want) <= 1e-12 * want",
            bgbb_exp_rows, "al, be, ga, de, ns, x, tx, n, want"))
print("SELECT * FROM finish();\nROLLBACK;")
