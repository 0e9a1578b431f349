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
parameters, alpha = beta, and one of alpha and beta up to 1e14 times the
other.

    python3 test/btyd_family_reference.py > test/pgtap/btyd_family_reference.sql
    (Debian: apt-get install python3-mpmath)
"""
from mpmath import mp, mpf, loggamma, hyp2f1, beta, log, exp, nstr, quad, workdps

mp.dps = 60


def s(v):
    return nstr(v, 17, min_fixed=-30, max_fixed=30)


def M(v):
    return mpf(v)


# ---- Pareto/NBD, textbook ----

def hyp2f1_printed(a, b, c, z):
    """₂F₁ for the printed form: its defining series where that converges
    fast (z <= 0.95; positive terms, so nothing cancels), else mpmath's
    hyp2f1, which is slow or gives up for parameters in the thousands"""
    if z > mpf("0.95"):
        return hyp2f1(a, b, c, z)
    total, term, n = mpf(1), mpf(1), 0
    while abs(term) > total * mpf(10) ** (-mp.dps - 5):
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        n += 1
    return total


def pnbd_A0(r, al, s_, be, x, y):
    """the ₂F₁ term of FHL's note at time y: F(...)/(max+y)^(r+s+x)"""
    if al >= be:
        return hyp2f1_printed(r + s_ + x, s_ + 1, r + s_ + x + 1, (al - be) / (al + y)) / (al + y) ** (r + s_ + x)
    return hyp2f1_printed(r + s_ + x, r + x, r + s_ + x + 1, (be - al) / (be + y)) / (be + y) ** (r + s_ + x)


def pnbd_ll_textbook(r, al, s_, be, x, tx, T):
    """the printed form, at 120 digits: the difference of the two ₂F₁ terms
    cancels most of its digits for customers with many purchases"""
    with workdps(120):
        bracket = 1 / ((al + T) ** (r + x) * (be + T) ** s_) + \
            s_ / (r + s_ + x) * (pnbd_A0(r, al, s_, be, x, tx) - pnbd_A0(r, al, s_, be, x, T))
        ll = loggamma(r + x) - loggamma(r) + r * log(al) + s_ * log(be) + log(bracket)
    return +ll, +bracket


def pnbd_panels(r, al, s_, be, x, tx, T, width):
    """Panel ends in v = ln(m + tau), m = min(alpha, beta), from tx to T.
    In v the integrand e^v (alpha+tau)^-(r+x) (beta+tau)^-(s+1) has the
    log-derivative 1 - (r+x) (m+tau)/(alpha+tau) - (s+1) (m+tau)/(beta+tau),
    whose two ratios lie in (0, 1] and grow with tau: the integrand is
    log-concave in v and its peak (tau = 0 for the smaller of alpha and beta
    tiny) is resolved on the scale of that smaller one.  (An integration
    variable ln(alpha + tau) cannot resolve a peak of width beta << alpha:
    it had two panelings disagree by 2.6e-6.)  A panel's width is `width`
    over the largest magnitude of the log-derivative on it, so the integrand
    changes by at most a factor e^width across a panel."""
    m = min(al, be)
    k = r + x

    def slope(v):
        e = exp(v)
        return 1 + k * e / (al + e - m) + (s_ + 1) * e / (be + e - m)
    v, v1 = log(m + tx), log(m + T)
    ends = [v]
    while v < v1:
        h = width / slope(v)
        h = min(h, width / slope(min(v + h, v1)))
        v = min(v + h, v1)
        ends.append(v)
    return ends


def pnbd_integral(r, al, s_, be, x, tx, T, width):
    """the integral from tx to T of (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau
    by Gauss-Legendre quadrature on the panels above"""
    m = min(al, be)
    k = r + x

    def f(v):
        e = exp(v)
        return e * (al + e - m) ** (-k) * (be + e - m) ** (-(s_ + 1))
    return quad(f, pnbd_panels(r, al, s_, be, x, tx, T, width), method="gauss-legendre")


def pnbd_ll_integral(r, al, s_, be, x, tx, T):
    """the defining integral: E(T) + s times the integral from tx to T, on two
    different panelings that must agree to 20 digits"""
    if T > tx:
        integral = pnbd_integral(r, al, s_, be, x, tx, T, mpf("0.25"))
        check = pnbd_integral(r, al, s_, be, x, tx, T, mpf("0.18"))
        assert abs(integral - check) <= mpf("1e-20") * integral, (integral, check)
    else:
        integral = 0
    bracket = (al + T) ** (-(r + x)) * (be + T) ** (-s_) + s_ * integral
    return loggamma(r + x) - loggamma(r) + r * log(al) + s_ * log(be) + log(bracket), bracket


_pnbd_ll_memo = {}


def pnbd_ll(*args):
    """the integral form, once per model and customer"""
    if args not in _pnbd_ll_memo:
        _pnbd_ll_memo[args] = pnbd_ll_integral(*args)
    return _pnbd_ll_memo[args]


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
               ("40", "2000", "0.002", "0.05"),          # huge r and alpha, tiny s and beta
               ("0.5", "1e-7", "0.5", "1e7"),            # beta 1e14 times alpha
               ("3", "5e8", "1.5", "0.02")]              # alpha 2.5e10 times beta
pnbd_customers = [(0, "0", "39"), (1, "2", "39"), (2, "30.43", "38.86"), (7, "29.6", "30"),
                  (30, "10", "36"), (200, "35", "36"), (1000, "38", "39"), (3000, "77.9", "78"),
                  (20000, "360", "365"), (5, "39", "39"), (1, "0.01", "39"), (0, "0", "0")]

ll_rows, alive_rows, exp_rows = [], [], []
for params in pnbd_params:
    r, al, s_, be = map(M, params)
    for x, tx, T in pnbd_customers:
        tx, T = M(tx), M(T)
        ll, _ = pnbd_ll(r, al, s_, be, x, tx, T)
        check, _ = pnbd_ll_textbook(r, al, s_, be, x, tx, T)
        assert abs(ll - check) < mpf("1e-20") * max(1, abs(ll)), (params, x, tx, T, ll, check)

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
print(check("p_alive(pnbd_model) within 1e-12 relative",
            f"abs(p_alive({pn}, x::int, tx, tt) - want) <= 1e-12 * want",
            alive_rows, "r, alpha, s, beta, x, tx, tt, want"))
print(check("expected_purchases(pnbd_model) within 1e-12 relative",
            f"abs(expected_purchases({pn}, t, x::int, tx, tt) - want) <= 1e-12 * want",
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
