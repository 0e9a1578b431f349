#!/usr/bin/python3
"""The reference that bgnbd_fit and gammagamma_fit are timed against: the same
BG/NBD (Fader, Hardie & Lee 2005, eq. 6) and Gamma-Gamma likelihoods,
vectorised with numpy over one row per customer, minimised by scipy's BFGS
with analytic gradients -- how Python's `lifetimes` fits them (per-customer
arrays, log parameters from 0.1, times scaled so that the largest tenure is
10, BFGS with tol=1e-7), with hand-written gradients where `lifetimes` uses
autograd's, so the reference is, if anything, faster than `lifetimes`.

    btyd_numpy.py prepare IN.csv OUT.npz    the customers (frequency, recency,
                                            tenure, monetary_value; CSV with a
                                            header) as numpy arrays
    btyd_numpy.py fit IN.npz [OUT.txt]      fit both models; OUT.txt gets the
                                            estimates and the times of the two
                                            fits, one "name value" a line

Debian: apt-get install python3-numpy python3-scipy (bench/run.sh does).
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, psi


def bgnbd_objective(theta, x, tx, T):
    """-(mean log-likelihood) at theta = ln(r, alpha, a, b) and its gradient"""
    r, alpha, a, b = np.exp(theta)
    rx = r + x
    repeat = x > 0
    log_alpha_T = np.log(alpha + T)
    log_alpha_tx = np.log(alpha + tx)
    a1 = gammaln(rx) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -rx * log_alpha_T
    a4 = np.where(repeat, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - rx * log_alpha_tx, -np.inf)
    top = np.maximum(a3, a4)
    e3 = np.exp(a3 - top)
    e4 = np.exp(a4 - top)
    total = e3 + e4
    ll = a1 + a2 + top + np.log(total)
    w3 = e3 / total
    w4 = e4 / total
    psi_abx = psi(a + b + x)
    g_r = psi(rx) - psi(r) + np.log(alpha) - w3 * log_alpha_T - w4 * log_alpha_tx
    g_alpha = r / alpha - rx * (w3 / (alpha + T) + w4 / (alpha + tx))
    g_a = psi(a + b) - psi_abx + w4 / a
    g_b = psi(a + b) + psi(b + x) - psi(b) - psi_abx - w4 / (b + np.maximum(x, 1) - 1)
    grad = np.array([g_r.mean(), g_alpha.mean(), g_a.mean(), g_b.mean()])
    return -ll.mean(), -grad * np.exp(theta)


def gammagamma_objective(theta, x, m):
    """-(mean log-likelihood) at theta = ln(p, q, v) and its gradient"""
    p, q, v = np.exp(theta)
    px = p * x
    log_xmv = np.log(x * m + v)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m)
          + px * np.log(x) - (px + q) * log_xmv)
    psi_pxq = psi(px + q)
    g_p = x * (psi_pxq - psi(px) + np.log(m) + np.log(x) - log_xmv)
    g_q = psi_pxq - psi(q) + np.log(v) - log_xmv
    g_v = q / v - (px + q) / (x * m + v)
    grad = np.array([g_p.mean(), g_q.mean(), g_v.mean()])
    return -ll.mean(), -grad * np.exp(theta)


def fit(path, out):
    data = np.load(path)
    x, tx, T, m = data["frequency"], data["recency"], data["tenure"], data["monetary_value"]

    started = time.perf_counter()
    scale = 10.0 / T.max()
    bg = minimize(bgnbd_objective, 0.1 * np.ones(4), args=(x, tx * scale, T * scale),
                  jac=True, method="BFGS", tol=1e-7)
    r, alpha, a, b = np.exp(bg.x)
    alpha /= scale
    bgnbd_seconds = time.perf_counter() - started

    started = time.perf_counter()
    keep = (x > 0) & (m > 0)
    gg = minimize(gammagamma_objective, 0.1 * np.ones(3), args=(x[keep], m[keep]),
                  jac=True, method="BFGS", tol=1e-7)
    p, q, v = np.exp(gg.x)
    gammagamma_seconds = time.perf_counter() - started

    lines = [("r", r), ("alpha", alpha), ("a", a), ("b", b), ("p", p), ("q", q), ("v", v),
             ("bgnbd_evaluations", bg.nfev), ("gammagamma_evaluations", gg.nfev),
             ("bgnbd_seconds", bgnbd_seconds), ("gammagamma_seconds", gammagamma_seconds)]
    text = "".join(f"{name} {value!r}\n" for name, value in lines)
    if out:
        with open(out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def prepare(csv, out):
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    np.savez(out, frequency=data[:, 0].astype(float), recency=data[:, 1], tenure=data[:, 2],
             monetary_value=data[:, 3])


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else None)
    else:
        sys.exit(__doc__)
