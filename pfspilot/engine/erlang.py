"""Erlang B, Erlang C and Erlang A (M/M/n+M, Palm) queues: figures and staffing.

Pure NumPy/SciPy, no Django. Rates: arrivals λ per second, service μ = 1/AHT, patience θ =
1/mean patience, n agents, offered load a = λ/μ erlangs. Every formula is exact (no
approximation); Erlang A is evaluated in log space so that 1 to 1 000 agents and loads of 1 000
erlangs neither overflow nor underflow. Erlang C needs only D_n below, in plain floats: D_n
overflows to inf only far above the load, where C = 1/(1 + D_n(1 − a/n)) is below 1e-300 anyway.

Notation (Mandelbaum & Zeltyn, "The Palm/Erlang-A queue, with applications to call centers",
2007; Garnett, Mandelbaum & Reiman, M&SOM 2002): with x = nμ/θ and y = λ/θ, the stationary
probabilities of the birth–death chain, relative to π_n (all agents busy, nobody queued), are

* below n: D_n = Σ_{j<n} π_j/π_n = (1 − B)/B, B the Erlang B blocking of (a, n), computed by the
  recursion D_n = (n/a)(1 + D_{n−1}), D_0 = 0 (stable, no factorial);
* queued: Σ_{k≥0} π_{n+k}/π_n = A(x, y) = Σ_k y^k / ((x+1)(x+2)…(x+k))
  = e^y y^{−x} Γ(x+1) P(x, y) = ₁F₁(1; x+1; y), P the regularised lower incomplete gamma
  (`scipy.special.gammainc`).

Hence, with Z = D_n + A(x, y):

* P(W > 0) = A / Z (Erlang C: A = 1/(1 − a/n), giving C = B / (1 − (a/n)(1 − B)));
* P(Ab) = θ E[L_q] / λ = (x + (y − x) A) / (y Z), i.e. M&Z's
  P(Ab | W > 0) = 1/(ρA) + 1 − 1/ρ with ρ = a/n;
* the offered wait V (time to reach an agent for an infinitely patient caller) of a caller finding
  k callers queued is Σ_{i=0..k} Exp(nμ + iθ); summing over k gives the M&Z density
  f_V(s) = π_n nμ exp(−nμ s + y(1 − e^{−θs})) for s > 0, hence
  P(V > t) = π_n e^{−nμt + y(1−e^{−θt})} A(x, y e^{−θt}) and, the caller's own patience τ being
  Exp(θ) and independent, P(W > t) = P(V > t) e^{−θt} for the actual wait W = min(V, τ);
* answered within t after waiting: P(0 < V ≤ t, V < τ) = ∫_0^t e^{−θs} f_V(s) ds
  = π_n (x/y) [(A(x,y) − 1) − e^{−nμt + y(1−e^{−θt})} (A(x, y e^{−θt}) − 1)];
* E[W | served] = E[V 1{0 < V < τ}] / P(served), the numerator ∫ s e^{−θs} f_V(s) ds having no
  closed form in SciPy's functions: it is integrated by 96-point Gauss–Legendre on the window
  where the log-concave integrand exp(−(nμ+θ)s + y(1 − e^{−θs})) is within e^{−46} of its
  maximum (bracketed in closed form, refined by bisection); the tests check it against the
  tagged-caller Markov chain to 1e-7 relative.

The service level is counted over ALL calls entering the queue, as `domain.md` defines it:
answered within T / (A + X); `service_level_answered` divides by answered calls only.

An interval that no call reaches the agents of (no arrival, or an IVR share of 1: every call
handled by the IVR) needs no agent: staffing answers 0 and its figures over calls are unknown
(None, or NaN in arrays; never 0), only the occupancy of agents present is known (0).
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np
from scipy import special

MAX_AGENTS = 1000
SECONDS_PER_HOUR = 3600.0
METRIC_KEYS = (
    "p_wait",
    "p_abandon",
    "service_level",
    "service_level_answered",
    "asa_answered_s",
    "occupancy",
)
TARGET_NAMES = {
    "max_abandon": "Le taux d'abandon maximal",
    "min_service_level": "Le niveau de service minimal",
    "max_occupancy": "L'occupation maximale",
    "target_pickup": "L'objectif de taux de décroché",
    "ivr_share": "La part traitée par le SVI",
}
# Relative size below which the incomplete gamma is no longer trusted (underflow zone).
_TINY_GAMMA = 1e-280
# The queued-state series Σ y^k/(x+1)_k is summed directly when its ratio y/x stays below this.
_SERIES_RATIO = 0.5
# Log-height of the waiting-time window kept by the quadrature (e^-46 ≈ 1e-20).
_WINDOW_LOG_DROP = 46.0
# Beyond this x = nμ/θ, SciPy's lower incomplete gamma tail is not trusted (series instead).
_GAMMA_TAIL_X = 1e5
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(96)
# Erlang C is stable below this occupancy: a load equal to the agents up to rounding (200 calls/h
# × 180 s on 10 agents) is unstable.
_STABLE_RHO = 1.0 - 1e-12


class ErlangError(ValueError):
    """Bad queueing input or impossible request; the message is French and names the field."""


class UnstableQueue(ErlangError):
    """Erlang C with a load at or above the number of agents: the queue grows without end."""


class UnreachableTarget(ErlangError):
    """No number of agents up to the cap meets the targets; `rows` lists the failing intervals."""

    def __init__(self, message: str, rows: list[int] | None = None):
        super().__init__(message)
        self.rows = rows or []


# ---------------------------------------------------------------------------------------------
# Erlang B recursion and Erlang C figures (written once, for floats and NumPy arrays alike)
# ---------------------------------------------------------------------------------------------


def _next_d(d, n, load):
    """D_n = (n/a)(1 + D_{n−1}) = (1 − B_n)/B_n from D_{n−1}; overflows to inf, never to NaN."""
    return (n / load) * (1.0 + d)


def _erlang_c_figures(lam, mu, n, within, d, exp):
    """Erlang C P(W > 0), P(W > T), ASA and occupancy from D_n, for ρ = λ/(nμ) < 1.

    C = 1/(1 + D(1 − ρ)) (= B / (1 − ρ(1 − B))), P(W > T) = C e^{−(nμ − λ)T}, ASA = C/(nμ − λ).
    Plain operators only: the same lines serve one interval in floats (exp = math.exp) and many
    in arrays (exp = np.exp). D = inf (n ≫ a) gives C = 0 exactly, as it should.
    """
    rho = lam / (mu * n)
    p_wait = 1.0 / (1.0 + d * (1.0 - rho))
    drain = n * mu - lam
    return p_wait, p_wait * exp(-drain * within), p_wait / drain, rho


def _erlang_c_admissible(lam, mu, n, max_occupancy):
    """Stable (ρ < 1) and within the occupancy cap (inf when unset): floats or arrays."""
    rho = lam / (mu * n)
    return (rho < _STABLE_RHO) & (rho <= max_occupancy)


def _erlang_c_meets(p_late, asa, min_service_level, max_asa_s):
    """Service level and ASA targets (−inf / inf when unset) of a stable Erlang C interval."""
    return (1.0 - p_late >= min_service_level) & (asa <= max_asa_s)


# ---------------------------------------------------------------------------------------------
# Special functions in log space
# ---------------------------------------------------------------------------------------------


def _log_d_table(load: np.ndarray, n_max: int) -> np.ndarray:
    """log D_n = log((1 − B_n)/B_n) for n = 0..n_max (columns), one row per load; D_0 = 0.

    D_n = (n/a)(1 + D_{n−1}) only multiplies and adds positive numbers (no cancellation); it is
    run in plain floating point and redone in log space only if some D overflows (n ≫ a).
    """
    load = np.asarray(load, dtype=float).reshape(-1)
    table = np.empty((load.size, n_max + 1))
    table[:, 0] = 0.0
    with np.errstate(over="ignore", divide="ignore"):
        if load.size == 1:
            # One interval: plain floats beat NumPy's per-call overhead tenfold.
            value, previous = float(load[0]), 0.0
            row = [0.0]
            for n in range(1, n_max + 1):
                previous = _next_d(previous, n, value)
                row.append(previous)
            table[0] = row
        else:
            previous = table[:, 0]
            for n in range(1, n_max + 1):
                previous = _next_d(previous, n, load)
                table[:, n] = previous
        if np.isfinite(table).all():
            return np.log(table)
        table[:, 0] = -np.inf
        log_load = np.log(load)
        previous = table[:, 0]
        for n in range(1, n_max + 1):
            previous = math.log(n) - log_load + np.logaddexp(0.0, previous)
            table[:, n] = previous
    return table


def _kummer(x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, ...]:
    """log A(x, z), log(A(x, z) − 1), log Σ_{k≥1} k t_k and log P(x, z) (NaN where unused).

    Here t_k = z^k/((x+1)…(x+k)) and P is the regularised lower incomplete gamma.

    The third one equals x + (z − x) A(x, z) (telescoping (x+k+1) t_{k+1} = z t_k), the mean
    queue length relative to π_n. Where z ≤ x/2, or the incomplete gamma underflows or is taken
    in its far lower tail, the series are summed directly (ratio z/(x+k) < 1, and the terms also
    fall like e^{−k²/2x}); elsewhere the gamma form is used.
    """
    x, z = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(z, dtype=float))
    log_a = np.empty(x.shape)
    log_am1 = np.empty(x.shape)
    log_s1 = np.empty(x.shape)
    log_p = np.full(x.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = special.gammainc(x, z)
        # SciPy's lower tail loses digits once x passes ~1e6: sum the (then short) series there.
        series = (z <= _SERIES_RATIO * x) | ~(p >= _TINY_GAMMA) | ((z < x) & (x > _GAMMA_TAIL_X))
        direct = ~series
        if direct.any():
            xd, zd = x[direct], z[direct]
            la = _log_gamma_scale(xd, zd) + np.log(p[direct])
            log_a[direct] = la
            log_p[direct] = np.log(p[direct])
            log_am1[direct] = la + np.log(-np.expm1(-la))
            above = zd >= xd
            s1 = np.where(
                above,
                np.logaddexp(np.log(xd), np.log(np.abs(zd - xd)) + la),
                np.log(np.maximum(xd - (xd - zd) * np.exp(la), np.finfo(float).tiny)),
            )
            log_s1[direct] = s1
        if series.any():
            xs, zs = x[series], z[series]
            total, weighted = _kummer_series(xs, zs)
            log_am1[series] = np.log(total)
            log_a[series] = np.log1p(total)
            log_s1[series] = np.log(weighted)
    return log_a, log_am1, log_s1, log_p


def _log1pmx(d: np.ndarray) -> np.ndarray:
    """d − log(1 + d), accurate near 0 where the difference cancels."""
    small = np.abs(d) < 0.1
    out = np.empty(d.shape)
    ds = d[small]
    series = np.zeros(ds.shape)
    power = ds * ds
    for k in range(2, 40):
        series += (1.0 if k % 2 == 0 else -1.0) * power / k
        power = power * ds
    out[small] = series
    out[~small] = d[~small] - np.log1p(d[~small])
    return out


def _log_gamma_scale(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log(e^z z^{−x} Γ(x+1)), without the cancellation of its three huge terms for large x.

    With z = x(1 + d) and Stirling's series, it is x(d − log(1 + d)) + ½ log(2πx) + 1/(12x) − ….
    """
    out = z - special.xlogy(x, z) + special.gammaln(x + 1.0)
    big = x > 100.0
    if big.any():
        xb = x[big]
        stirling = 1.0 / (12.0 * xb) - 1.0 / (360.0 * xb**3) + 1.0 / (1260.0 * xb**5)
        out[big] = xb * _log1pmx((z[big] - xb) / xb) + 0.5 * np.log(2.0 * np.pi * xb) + stirling
    return out


def _kummer_series(x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σ_{k≥1} t_k and Σ_{k≥1} k t_k, summed 64 terms at a time until the terms vanish."""
    total = np.zeros(x.shape)
    weighted = np.zeros(x.shape)
    head = np.ones(x.shape)
    pending = np.arange(x.size)
    offset = 0
    while pending.size:
        ks = offset + np.arange(1.0, 65.0)
        terms = head[pending, None] * np.cumprod(z[pending, None] / (x[pending, None] + ks), axis=1)
        total[pending] += terms.sum(axis=1)
        weighted[pending] += terms @ ks
        head[pending] = terms[:, -1]
        pending = pending[terms[:, -1] > 1e-18 * (1.0 + total[pending])]
        offset += 64
    return total, weighted


def _served_wait_mean(lam, mu, theta, n) -> np.ndarray:
    """E[V | 0 < V < τ] in seconds, by Gauss–Legendre on the integrand's significant window.

    The density of a waiting caller's offered wait, weighted by being served (e^{−θs}), is
    proportional to exp(φ(s)), φ(s) = −c s + y(1 − e^{−θs}), c = nμ + θ: concave, with its mode at
    s* = max(0, ln(λ/c)/θ). The window is [s_lo, s_hi] where φ ≥ φ(s*) − 46, bracketed by
    φ(s* + d) − φ(s*) ≤ −(c/θ)(θd − 1 + e^{−θd}) (equality when s* > 0), then bisected.
    """
    lam, mu, theta, n = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (lam, mu, theta, n))
    )
    c = n * mu + theta
    y = lam / theta

    def phi(s):
        return -c * s - y * np.expm1(-theta * s)

    mode = np.where(lam > c, np.log(np.maximum(lam, c) / c) / theta, 0.0)
    floor = phi(mode) - _WINDOW_LOG_DROP
    r = _WINDOW_LOG_DROP * theta / c
    right_lo, right_hi = mode.copy(), mode + (r + 1.0) / theta
    left_lo = np.maximum(0.0, mode - np.sqrt(2.0 * r) / theta)
    left_hi = mode.copy()
    for _ in range(40):
        mid = 0.5 * (right_lo + right_hi)
        inside = phi(mid) >= floor
        right_lo = np.where(inside, mid, right_lo)
        right_hi = np.where(inside, right_hi, mid)
        mid = 0.5 * (left_lo + left_hi)
        inside = phi(mid) >= floor
        left_hi = np.where(inside, mid, left_hi)
        left_lo = np.where(inside, left_lo, mid)
    start, stop = left_lo, right_hi
    half = 0.5 * (stop - start)
    nodes = (start + half)[..., None] + half[..., None] * _GAUSS_NODES
    log_height = -c[..., None] * nodes - y[..., None] * np.expm1(-theta[..., None] * nodes)
    weights = _GAUSS_WEIGHTS * np.exp(log_height - phi(mode)[..., None])
    return (weights * nodes).sum(axis=-1) / weights.sum(axis=-1)


# ---------------------------------------------------------------------------------------------
# Vectorised core
# ---------------------------------------------------------------------------------------------


def _core(lam, mu, theta, n, within, log_d, with_asa=True, with_sl=True) -> dict[str, np.ndarray]:
    """All figures for 1-d arrays of equal length; theta = 0 means Erlang C (no abandonment).

    Erlang C rows with a ≥ n are unstable: their figures are NaN and `stable` is False.
    `with_asa` / `with_sl` False skip the Erlang A waiting-time figures (left NaN) when a
    staffing search does not need them.
    """
    lam, mu, theta, n, within, log_d = (
        np.asarray(v, dtype=float) for v in (lam, mu, theta, n, within, log_d)
    )
    size = lam.size
    out = {key: np.full(size, np.nan) for key in METRIC_KEYS}
    stable = np.ones(size, dtype=bool)
    erlang_c = theta == 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        if erlang_c.any():
            idx = np.flatnonzero(erlang_c)
            lc, mc, nc, tc, dc = lam[idx], mu[idx], n[idx], within[idx], log_d[idx]
            ok = _erlang_c_admissible(lc, mc, nc, np.inf)
            stable[idx[~ok]] = False
            p_wait, p_late, asa, rho = _erlang_c_figures(lc, mc, nc, tc, np.exp(dc), np.exp)
            values = {
                "p_wait": p_wait,
                "p_abandon": np.zeros(idx.size),
                "service_level": 1.0 - p_late,
                "asa_answered_s": asa,
                "occupancy": rho,
            }
            values["service_level_answered"] = values["service_level"]
            for key, value in values.items():
                out[key][idx] = np.where(ok, value, np.nan)
        if (~erlang_c).any():
            idx = np.flatnonzero(~erlang_c)
            la, ma, ta, na, wa, da = (v[idx] for v in (lam, mu, theta, n, within, log_d))
            x = na * ma / ta
            y = la / ta
            log_a, log_am1, log_s1, log_p = _kummer(x, y)
            log_z = np.logaddexp(da, log_a)
            p_wait = np.exp(log_a - log_z)
            p_no_wait = np.exp(da - log_z)
            log_served_waiting = np.log(x) - np.log(y) + log_am1 - log_z
            p_served = p_no_wait + np.exp(log_served_waiting)
            p_abandon = np.exp(log_s1 - np.log(y) - log_z)
            out["p_wait"][idx] = p_wait
            out["p_abandon"][idx] = p_abandon
            out["occupancy"][idx] = la * p_served / (ma * na)
            if with_asa:
                mean = _served_wait_mean(la, ma, ta, na)
                out["asa_answered_s"][idx] = np.exp(log_served_waiting) * mean / p_served
        if with_sl and (~erlang_c).any():
            log_q = -ta * wa
            log_a_late, log_am1_late, _, log_p_late = _kummer(x, y * np.exp(log_q))
            # log of e^{-nμt + y(1-q)} (A(x, yq) − 1) / (A(x, y) − 1); when both incomplete
            # gammas are usable the large exponents cancel exactly into P(x, yq) / P(x, y).
            log_tail = np.where(
                np.isnan(log_p) | np.isnan(log_p_late),
                -na * ma * wa - y * np.expm1(log_q) + log_am1_late - log_am1,
                log_p_late - log_p + np.log(-np.expm1(-log_a_late)) - np.log(-np.expm1(-log_a)),
            )
            # Rounding can leave the tail a hair above 1 in huge queues: clip to a probability.
            served_within = p_no_wait + np.exp(log_served_waiting) * -np.expm1(
                np.minimum(log_tail, 0.0)
            )
            out["service_level"][idx] = served_within
            out["service_level_answered"][idx] = served_within / p_served
    for key in ("p_wait", "p_abandon", "service_level", "service_level_answered", "occupancy"):
        np.clip(out[key], 0.0, 1.0, out=out[key])
    out["stable"] = stable
    return out


# ---------------------------------------------------------------------------------------------
# Validation (French messages)
# ---------------------------------------------------------------------------------------------


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(label: str, value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ErlangError(f"{label} doit être un nombre (reçu « {value} »).") from None


def _check_positive(label: str, value) -> float:
    if value is None or isinstance(value, bool):
        raise ErlangError(f"{label} est obligatoire.")
    number = _number(label, value)
    if not (number > 0 and math.isfinite(number)):
        raise ErlangError(f"{label} doit être strictement positif (reçu {_fmt(number)}).")
    return number


def _check_fraction(name: str, value) -> float | None:
    if value is None:
        return None
    label = TARGET_NAMES[name]
    number = _number(label, value)
    if math.isnan(number):
        return None
    if number >= 1.0:
        raise ErlangError(
            f"{label} doit être une fraction inférieure à 1 (reçu {_fmt(number)}) : "
            "un objectif de 100 % ou plus ne peut pas être visé."
        )
    if number < 0.0:
        raise ErlangError(f"{label} doit être une fraction entre 0 et 1 (reçu {_fmt(number)}).")
    return number


def _check_ivr_share(value) -> float:
    """The share of offered calls the IVR handles: a fraction in [0, 1], 1 included."""
    if value is None:
        return 0.0
    label = TARGET_NAMES["ivr_share"]
    number = _number(label, value)
    if math.isnan(number):
        return 0.0
    if not 0.0 <= number <= 1.0:
        raise ErlangError(f"{label} doit être une fraction entre 0 et 1 (reçu {_fmt(number)}).")
    return number


def _check_within(value) -> float:
    label = "Le délai de réponse du niveau de service (s)"
    number = _number(label, value)
    if not (number >= 0 and math.isfinite(number)):
        raise ErlangError(f"{label} doit être positif ou nul (reçu {_fmt(number)}).")
    return number


def _check_agents(agents) -> int:
    if isinstance(agents, bool) or not isinstance(agents, Integral | float):
        raise ErlangError(f"Le nombre d'agents doit être un entier (reçu « {agents} »).")
    if isinstance(agents, float) and not agents.is_integer():
        raise ErlangError(f"Le nombre d'agents doit être un entier (reçu {agents:g}).")
    count = int(agents)
    if not 1 <= count <= MAX_AGENTS:
        raise ErlangError(
            f"Le nombre d'agents doit être compris entre 1 et {MAX_AGENTS} (reçu {count})."
        )
    return count


def _check_max_agents(max_agents) -> int:
    if isinstance(max_agents, bool) or not isinstance(max_agents, Integral):
        raise ErlangError(f"Le plafond d'agents doit être un entier (reçu « {max_agents} »).")
    if not 1 <= max_agents <= MAX_AGENTS:
        raise ErlangError(
            f"Le plafond d'agents doit être compris entre 1 et {MAX_AGENTS} (reçu {max_agents})."
        )
    return int(max_agents)


def _check_arrivals(value) -> float:
    """Calls per hour: positive or 0 (an interval without calls needs no agent)."""
    label = "Le nombre d'appels par heure"
    if value is None or isinstance(value, bool):
        raise ErlangError(f"{label} est obligatoire.")
    number = _number(label, value)
    if not (number >= 0 and math.isfinite(number)):
        raise ErlangError(f"{label} doit être positif ou nul (reçu {_fmt(number)}).")
    return number


def _rates(arrivals_per_hour, aht_s, patience_s, *, allow_no_call=False):
    """λ, μ, θ per second; λ = 0 is accepted only with `allow_no_call`."""
    if allow_no_call:
        lam = _check_arrivals(arrivals_per_hour) / SECONDS_PER_HOUR
    else:
        lam = _check_positive("Le nombre d'appels par heure", arrivals_per_hour) / SECONDS_PER_HOUR
    mu = 1.0 / _check_positive("La durée moyenne de traitement (s)", aht_s)
    if patience_s is None or (isinstance(patience_s, float) and math.isnan(patience_s)):
        theta = 0.0
    else:
        theta = 1.0 / _check_positive("La patience moyenne (s)", patience_s)
    return lam, mu, theta


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def erlang_b(load: float, agents: int) -> float:
    """Erlang B blocking probability of `load` erlangs on `agents` lines (M/M/n/n)."""
    load = _check_positive("La charge (erlangs)", load)
    n = _check_agents(agents)
    log_d = _log_d_table(np.array([load]), n)[0, n]
    return float(np.exp(-np.logaddexp(0.0, log_d)))


def erlang_c(load: float, agents: int) -> float:
    """Erlang C probability of waiting, C = B / (1 − (a/n)(1 − B)); needs load < agents."""
    load = _check_positive("La charge (erlangs)", load)
    n = _check_agents(agents)
    if load >= n:
        raise UnstableQueue(_unstable_message(load, n))
    with np.errstate(over="ignore"):
        d = np.exp(_log_d_table(np.array([load]), n)[0, n])
    return float(_erlang_c_figures(load, 1.0, n, 0.0, d, np.exp)[0])


def _unstable_message(load: float, agents: int) -> str:
    shown = f"{load:.2f}".replace(".", ",")
    return (
        f"File instable en Erlang C : la charge offerte ({shown} erlangs) atteint ou dépasse "
        f"le nombre d'agents ({agents}) ; sans abandon la file grandit sans fin. Donnez une "
        "patience moyenne (Erlang A) ou davantage d'agents."
    )


def no_call_figures(agents: int) -> dict[str, float | None]:
    """`metrics` of an interval without calls: rates over calls are unknown (None, never 0);
    the agents present, if any, are idle (occupancy 0)."""
    return dict.fromkeys(METRIC_KEYS) | {"occupancy": 0.0 if agents > 0 else None}


def metrics(
    arrivals_per_hour: float,
    aht_s: float,
    agents: int,
    patience_s: float | None = None,
    answer_within_s: float = 20.0,
) -> dict[str, float | None]:
    """Stationary figures of one interval: Erlang A with `patience_s`, Erlang C without.

    Keys: p_wait, p_abandon (0 in Erlang C), service_level (answered within T / all queued
    calls), service_level_answered (answered within T / answered), asa_answered_s (mean wait of
    answered calls), occupancy (answered load / agents). Without arrivals, `no_call_figures`.
    Raises `UnstableQueue` for Erlang C with load ≥ agents and `ErlangError` for bad input.
    """
    lam, mu, theta = _rates(arrivals_per_hour, aht_s, patience_s, allow_no_call=True)
    n = _check_agents(agents)
    within = _check_within(answer_within_s)
    if lam == 0.0:
        return no_call_figures(n)
    log_d = _log_d_table(np.array([lam / mu]), n)[:, n]
    result = _core([lam], [mu], [theta], [n], [within], log_d)
    if not result["stable"][0]:
        raise UnstableQueue(_unstable_message(lam / mu, n))
    return {key: float(result[key][0]) for key in METRIC_KEYS}


def wait_tail(
    arrivals_per_hour: float,
    aht_s: float,
    agents: int,
    wait_s: float,
    patience_s: float | None = None,
    *,
    offered: bool = False,
) -> float:
    """P(W > t): share of calls that wait more than `wait_s` seconds (abandoning or not).

    Erlang A: P(V > t) = π_n e^{−nμt + y(1 − e^{−θt})} A(x, y e^{−θt}) for the offered wait V
    (`offered=True`), and P(W > t) = P(V > t) e^{−θt} for the actual wait W = min(V, τ).
    Erlang C: C e^{−(nμ − λ)t}.
    """
    lam, mu, theta = _rates(arrivals_per_hour, aht_s, patience_s)
    n = _check_agents(agents)
    t = _check_within(wait_s)
    load = lam / mu
    log_d = float(_log_d_table(np.array([load]), n)[0, n])
    if theta == 0.0:
        if load >= n:
            raise UnstableQueue(_unstable_message(load, n))
        with np.errstate(over="ignore"):
            d = np.exp(log_d)
        return float(_erlang_c_figures(lam, mu, n, t, d, np.exp)[1])
    x, y = n * mu / theta, lam / theta
    log_a, _, _, _ = _kummer(np.array([x]), np.array([y]))
    log_late, _, _, _ = _kummer(np.array([x]), np.array([y * math.exp(-theta * t)]))
    log_z = np.logaddexp(log_d, log_a[0])
    log_offered = -n * mu * t - y * math.expm1(-theta * t) + log_late[0] - log_z
    return float(np.exp(log_offered if offered else log_offered - theta * t))


def _targets_ok(figures, targets) -> np.ndarray:
    """Rows meeting every target (NaN target = not set); unstable Erlang C rows never do."""
    ok = figures["stable"].copy()
    checks = (
        ("max_abandon", "p_abandon", np.less_equal),
        ("min_service_level", "service_level", np.greater_equal),
        ("max_asa_s", "asa_answered_s", np.less_equal),
        ("max_occupancy", "occupancy", np.less_equal),
    )
    with np.errstate(invalid="ignore"):
        for target, figure, compare in checks:
            goal = targets[target]
            ok &= np.isnan(goal) | compare(figures[figure], goal)
        pickup = pickup_rate(figures["p_abandon"], targets["ivr_share"])
        ok &= np.isnan(targets["target_pickup"]) | (pickup >= targets["target_pickup"])
    return ok


def pickup_rate(p_abandon: float, ivr_share: float = 0.0) -> float:
    """Taux de décroché (A + S)/O when a share `ivr_share` of offered calls ends in the IVR."""
    return ivr_share + (1.0 - ivr_share) * (1.0 - p_abandon)


def _scalar_targets(**raw) -> dict[str, float]:
    """Checked targets of one interval as plain floats, NaN when not set."""
    targets = {}
    for name in ("max_abandon", "min_service_level", "max_occupancy", "target_pickup"):
        value = _check_fraction(name, raw[name])
        targets[name] = math.nan if value is None else value
    targets["ivr_share"] = _check_ivr_share(raw["ivr_share"])
    asa = raw["max_asa_s"]
    if asa is not None:
        asa = _check_positive("L'attente moyenne maximale (s)", asa)
    targets["max_asa_s"] = math.nan if asa is None else asa
    if all(math.isnan(targets[name]) for name in _GOALS):
        raise ErlangError(_NO_TARGET)
    return targets


_GOALS = ("max_abandon", "min_service_level", "max_asa_s", "max_occupancy", "target_pickup")
_NO_TARGET = (
    "Aucun objectif donné : indiquez un taux d'abandon maximal, un niveau de service minimal, "
    "une attente moyenne maximale, une occupation maximale ou un objectif de taux de décroché."
)


def required_agents(
    arrivals_per_hour: float,
    aht_s: float,
    patience_s: float | None = None,
    *,
    max_abandon: float | None = None,
    min_service_level: float | None = None,
    answer_within_s: float = 20.0,
    max_asa_s: float | None = None,
    max_occupancy: float | None = None,
    target_pickup: float | None = None,
    ivr_share: float = 0.0,
    max_agents: int = MAX_AGENTS,
) -> int:
    """Fewest agents meeting every given target, searched from ONE agent upward.

    With impatient callers (Erlang A) the answer may be below the offered load: abandons shed
    the excess. Targets combine (all must hold); `target_pickup` is a taux de décroché
    ivr_share + (1 − ivr_share)(1 − P(Ab)). No arrival or an IVR share of 1 (every call handled
    by the IVR) needs 0 agents: no call reaches them, every target holds. Raises
    `UnreachableTarget` when even `max_agents` agents fall short, never loops.
    """
    lam, mu, theta = _rates(arrivals_per_hour, aht_s, patience_s, allow_no_call=True)
    within = _check_within(answer_within_s)
    cap = _check_max_agents(max_agents)
    targets = _scalar_targets(
        max_abandon=max_abandon,
        min_service_level=min_service_level,
        max_asa_s=max_asa_s,
        max_occupancy=max_occupancy,
        target_pickup=target_pickup,
        ivr_share=ivr_share,
    )
    if lam == 0.0 or targets["ivr_share"] == 1.0:
        return 0
    if theta == 0.0:
        found = _staff_erlang_c_one(lam, mu, within, targets, cap)
        if found is None:
            raise UnreachableTarget(_unreachable_message(cap))
        return found
    if targets["max_abandon"] == 0:
        raise UnreachableTarget(_ZERO_ABANDON)
    with_asa = not math.isnan(targets["max_asa_s"])
    with_sl = not math.isnan(targets["min_service_level"])
    targets = {key: np.array([value]) for key, value in targets.items()}
    load = lam / mu
    start, stop = 1, min(cap, _likely_bound(load))
    while start <= cap:
        table = _log_d_table(np.array([load]), stop)[0]
        ns = np.arange(start, stop + 1)
        count = ns.size
        figures = _core(
            np.full(count, lam),
            np.full(count, mu),
            np.full(count, theta),
            ns,
            np.full(count, within),
            table[start:],
            with_asa=with_asa,
            with_sl=with_sl,
        )
        ok = _targets_ok(figures, {k: np.repeat(v, count) for k, v in targets.items()})
        if ok.any():
            return int(ns[np.argmax(ok)])
        start, stop = stop + 1, cap
    raise UnreachableTarget(_unreachable_message(cap))


def _staff_erlang_c_one(lam, mu, within, targets, cap) -> int | None:
    """Fewest agents of one Erlang C interval (None past `cap`), upward from one agent.

    Plain floats: for one interval NumPy's per-call overhead would cost ten times the search.
    Nobody hangs up, so abandon targets always hold and the décroché is the IVR share + the rest.
    """
    goal = targets["target_pickup"]
    if not (math.isnan(goal) or pickup_rate(0.0, targets["ivr_share"]) >= goal):
        return None
    min_sl, max_asa, max_occupancy = (
        bound if math.isnan(targets[name]) else targets[name]
        for name, bound in (
            ("min_service_level", -math.inf),
            ("max_asa_s", math.inf),
            ("max_occupancy", math.inf),
        )
    )
    load = lam / mu
    d = 0.0
    for n in range(1, cap + 1):
        d = _next_d(d, n, load)
        # n ≤ a is unstable anyway: skip the figures until the queue can drain.
        if n > load and _erlang_c_admissible(lam, mu, n, max_occupancy):
            _, p_late, asa, _ = _erlang_c_figures(lam, mu, n, within, d, math.exp)
            if _erlang_c_meets(p_late, asa, min_sl, max_asa):
                return n
    return None


def _staff_erlang_c(columns, cap) -> np.ndarray:
    """Fewest agents of many Erlang C intervals (0 past `cap`), exact, in O(max n) NumPy steps.

    No staffing is admissible (ρ < 1, occupancy cap) below max(⌊a⌋ + 1, ⌊a / occupancy⌋): each
    row steps up from there to its first admissible n. Rows sorted by that n, the Erlang B
    recursion advances all of them at once as a shrinking suffix (one slice per n); then every
    row is checked at n, n + 1, … from its own start until all targets hold. Service level and
    ASA are monotone in n, in floating point too (each step is a monotone rounded operation), so
    a row once met stays met and its answer is the last n + 1 − the steps it was met. Rows are
    dropped once half of them are met. Same answers as the upward search of `required_agents`.
    `columns`: lam, mu, within and the targets (NaN = unset), as for `_bisect_agents`.
    """
    lam, mu, within = (columns[key] for key in ("lam", "mu", "within"))
    answer = np.zeros(lam.size, dtype=int)
    with np.errstate(invalid="ignore"):
        goal = columns["target_pickup"]
        pickup_ok = np.isnan(goal) | (pickup_rate(0.0, columns["ivr_share"]) >= goal)
    min_sl, max_asa, max_occupancy = (
        np.where(np.isnan(columns[name]), bound, columns[name])
        for name, bound in (
            ("min_service_level", -np.inf),
            ("max_asa_s", np.inf),
            ("max_occupancy", np.inf),
        )
    )
    load = lam / mu
    with np.errstate(divide="ignore"):
        lowest = np.maximum(np.floor(load) + 1.0, np.floor(load / np.minimum(max_occupancy, 1.0)))
    n = np.where(pickup_ok, np.minimum(lowest, cap + 1.0), cap + 1.0)
    while True:
        short = (n <= cap) & ~_erlang_c_admissible(lam, mu, n, max_occupancy)
        if not short.any():
            break
        n[short] += 1.0
    rows = np.flatnonzero(n <= cap)
    if rows.size == 0:
        return answer
    rows = rows[np.argsort(n[rows].astype(np.int16), kind="stable")]
    lam, mu, within, min_sl, max_asa, load, n = (
        v[rows] for v in (lam, mu, within, min_sl, max_asa, load, n)
    )
    d = np.zeros(rows.size)
    with np.errstate(over="ignore"):
        for step, start in enumerate(np.searchsorted(n, np.arange(1.0, n[-1] + 1.0)).tolist(), 1):
            d[start:] = _next_d(d[start:], step, load[start:])
    met_steps = np.zeros(rows.size)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        while True:
            _, p_late, asa, _ = _erlang_c_figures(lam, mu, n, within, d, np.exp)
            met = _erlang_c_meets(p_late, asa, min_sl, max_asa)
            met_steps += met
            done = np.count_nonzero(met)
            if 2 * done > met.size or n[-1] >= cap:
                answer[rows[met]] = (n + 1.0 - met_steps)[met]
                # n[-1] is the highest row (sorted): unmet rows that reached the cap fail.
                keep = ~met & (n < cap)
                if not keep.any():
                    return answer
                rows, lam, mu, within, min_sl, max_asa, load, n, d, met_steps = (
                    v[keep] for v in (rows, lam, mu, within, min_sl, max_asa, load, n, d, met_steps)
                )
            n += 1.0
            d = _next_d(d, n, load)


def _likely_bound(load):
    """A staffing level that meets usual targets (square-root staffing with a wide margin).

    Only used to size the first vectorised pass; rows it does not satisfy go on up to the cap.
    """
    return np.minimum(MAX_AGENTS, np.ceil(load + 10.0 * np.sqrt(load) + 30.0)).astype(int)


_ZERO_ABANDON = (
    "Objectif inatteignable : quand les appelants raccrochent (patience donnée), aucun effectif "
    "n'annule les abandons ; visez un taux d'abandon maximal strictement positif."
)


def _unreachable_message(cap: int, where: str = "") -> str:
    return (
        f"{where}objectif inatteignable : même avec {cap} agents les objectifs ne sont pas "
        "atteints (vérifiez le volume, la DMT, la patience et les cibles)."
    )


def _as_column(name, value, size) -> np.ndarray:
    if value is None:
        return np.full(size, np.nan)
    array = np.asarray(value, dtype=float)
    if array.ndim > 1 or (array.ndim == 1 and array.size not in (1, size)):
        raise ErlangError(f"« {name} » doit avoir une valeur par intervalle ({size}).")
    return np.broadcast_to(array.reshape(-1) if array.ndim else array, (size,)).astype(float)


def _validate_batch(lam_h, aht, patience, within, targets, require_goal=True):
    checks = [
        (
            ~(lam_h >= 0) | ~np.isfinite(lam_h),
            "le nombre d'appels par heure doit être positif ou nul",
        ),
        (
            ~(aht > 0) | ~np.isfinite(aht),
            "la durée moyenne de traitement doit être strictement positive",
        ),
        (
            ~np.isnan(patience) & (~(patience > 0) | ~np.isfinite(patience)),
            "la patience moyenne doit être strictement positive",
        ),
        (
            ~(within >= 0) | ~np.isfinite(within),
            "le délai de réponse du niveau de service doit être positif ou nul",
        ),
    ]
    checks.append(
        (
            (targets["ivr_share"] < 0.0) | (targets["ivr_share"] > 1.0),
            "la part traitée par le SVI doit être une fraction entre 0 et 1",
        )
    )
    for name in ("max_abandon", "min_service_level", "max_occupancy", "target_pickup"):
        goal = targets[name]
        label = TARGET_NAMES[name][0].lower() + TARGET_NAMES[name][1:]
        checks.append(
            (
                goal >= 1.0,
                f"{label} doit être une fraction inférieure à 1 : un objectif de 100 % ou plus "
                "ne peut pas être visé",
            )
        )
        checks.append((goal < 0.0, f"{label} doit être une fraction positive ou nulle"))
    checks.append(
        (
            ~np.isnan(targets["max_asa_s"]) & ~(targets["max_asa_s"] > 0),
            "l'attente moyenne maximale doit être strictement positive",
        )
    )
    if require_goal:
        no_goal = np.all([np.isnan(targets[name]) for name in _GOALS], axis=0)
        checks.append((no_goal, "aucun objectif donné"))
    for mask, message in checks:
        if mask.any():
            row = int(np.flatnonzero(mask)[0])
            raise ErlangError(f"Intervalle n° {row + 1} : {message}.")


def required_agents_batch(
    arrivals_per_hour,
    aht_s,
    patience_s=None,
    *,
    max_abandon=None,
    min_service_level=None,
    answer_within_s=20.0,
    max_asa_s=None,
    max_occupancy=None,
    target_pickup=None,
    ivr_share=0.0,
    max_agents: int = MAX_AGENTS,
) -> np.ndarray:
    """`required_agents` for many intervals at once (one value per interval, arrays broadcast).

    A NaN patience means Erlang C for that interval; a NaN target means "not set". Intervals
    that no call reaches the agents of (0 arrivals or an IVR share of 1) get 0 agents and never
    fail the batch. Erlang C rows run the Erlang B recursion for all of them at once
    (`_staff_erlang_c`); Erlang A rows are bisected together (`_bisect_agents`). Both give the
    answer of the upward search of `required_agents`.
    """
    lam_h = np.asarray(arrivals_per_hour, dtype=float).reshape(-1)
    size = lam_h.size
    if size == 0:
        return np.zeros(0, dtype=int)
    cap = _check_max_agents(max_agents)
    aht = _as_column("aht_s", aht_s, size)
    patience = _as_column("patience_s", patience_s, size)
    within = _as_column("answer_within_s", answer_within_s, size)
    targets = {
        "max_abandon": _as_column("max_abandon", max_abandon, size),
        "min_service_level": _as_column("min_service_level", min_service_level, size),
        "max_asa_s": _as_column("max_asa_s", max_asa_s, size),
        "max_occupancy": _as_column("max_occupancy", max_occupancy, size),
        "target_pickup": _as_column("target_pickup", target_pickup, size),
        "ivr_share": np.nan_to_num(_as_column("ivr_share", ivr_share, size), nan=0.0),
    }
    with np.errstate(invalid="ignore"):
        _validate_batch(lam_h, aht, patience, within, targets)
    lam = lam_h / SECONDS_PER_HOUR
    mu = 1.0 / aht
    theta = np.where(np.isnan(patience), 0.0, 1.0 / patience)
    no_call = (lam_h == 0) | (targets["ivr_share"] == 1.0)
    zero_abandon = np.flatnonzero((theta > 0) & (targets["max_abandon"] == 0) & ~no_call).tolist()
    if zero_abandon:
        raise UnreachableTarget(
            f"Intervalle n° {zero_abandon[0] + 1} : {_ZERO_ABANDON[0].lower()}{_ZERO_ABANDON[1:]}",
            rows=zero_abandon,
        )
    columns = {"lam": lam, "mu": mu, "theta": theta, "within": within, **targets}
    agents = np.zeros(size, dtype=int)
    for rows, staff in (
        (np.flatnonzero((theta == 0.0) & ~no_call), _staff_erlang_c),
        (np.flatnonzero((theta > 0.0) & ~no_call), _bisect_agents),
    ):
        if rows.size:
            # A whole-year Erlang C call, the usual one, skips copying every column.
            part = columns if rows.size == size else {k: v[rows] for k, v in columns.items()}
            agents[rows] = staff(part, cap)
    failing = np.flatnonzero((agents == 0) & ~no_call).tolist()
    if failing:
        raise UnreachableTarget(
            _unreachable_message(cap, f"Intervalle n° {failing[0] + 1} : "), rows=failing
        )
    return agents


def _bisect_agents(columns, cap) -> np.ndarray:
    """Fewest agents of many Erlang A intervals (0 past `cap`), bisected all together.

    Every figure falls or rises monotonically with the number of agents, so each row is bisected
    between 0 (never enough) and a likely bound, widened to `cap` for the rare rows it misses:
    about ten vectorised passes. `columns`: lam, mu, theta, within and the targets (NaN = unset).
    """
    lam, mu, theta, within = (columns[key] for key in ("lam", "mu", "theta", "within"))
    targets = {key: columns[key] for key in (*_GOALS, "ivr_share")}
    size = lam.size
    with_asa = bool((~np.isnan(targets["max_asa_s"])).any())
    with_sl = bool((~np.isnan(targets["min_service_level"])).any())
    load = lam / mu
    high = np.minimum(cap, _likely_bound(load))
    table = _log_d_table(load, int(high.max()))
    rows = np.arange(size)

    def meets(idx, n):
        figures = _core(
            lam[idx],
            mu[idx],
            theta[idx],
            n,
            within[idx],
            table[idx, n],
            with_asa=with_asa,
            with_sl=with_sl,
        )
        return _targets_ok(figures, {k: v[idx] for k, v in targets.items()})

    low = np.zeros(size, dtype=int)
    reachable = meets(rows, high)
    if not reachable.all():
        # Rare strict targets: widen those rows to the cap (the table must then reach it).
        late = np.flatnonzero(~reachable)
        low[late] = high[late]
        high[late] = cap
        table = _log_d_table(load, cap)
        failing = late[~meets(late, high[late])]
        low[failing] = high[failing] = 0
    while True:
        open_ = np.flatnonzero(high - low > 1)
        if open_.size == 0:
            return high
        mid = (low[open_] + high[open_]) // 2
        ok = meets(open_, mid)
        high[open_[ok]] = mid[ok]
        low[open_[~ok]] = mid[~ok]


def metrics_batch(arrivals_per_hour, aht_s, agents, patience_s=None, answer_within_s=20.0):
    """`metrics` for many intervals: a dict of arrays (NaN for unstable Erlang C rows).

    Rows without arrivals may have 0 agents; their figures are those of `no_call_figures`
    (NaN for None).
    """
    lam_h = np.asarray(arrivals_per_hour, dtype=float).reshape(-1)
    size = lam_h.size
    aht = _as_column("aht_s", aht_s, size)
    patience = _as_column("patience_s", patience_s, size)
    within = _as_column("answer_within_s", answer_within_s, size)
    n = np.broadcast_to(np.asarray(agents, dtype=int).reshape(-1), (size,))
    with np.errstate(invalid="ignore"):
        no_targets = {name: np.full(size, np.nan) for name in (*_GOALS, "ivr_share")}
        _validate_batch(lam_h, aht, patience, within, no_targets, require_goal=False)
    no_call = lam_h == 0
    out_of_range = ((n < 1) & ~no_call) | (n < 0) | (n > MAX_AGENTS)
    if out_of_range.any():
        row = int(np.flatnonzero(out_of_range)[0])
        raise ErlangError(
            f"Intervalle n° {row + 1} : le nombre d'agents doit être compris entre 1 et "
            f"{MAX_AGENTS}."
        )
    lam = lam_h / SECONDS_PER_HOUR
    mu = 1.0 / aht
    theta = np.where(np.isnan(patience), 0.0, 1.0 / patience)
    if not no_call.any():
        table = _log_d_table(lam / mu, int(n.max()))
        return _core(lam, mu, theta, n, within, table[np.arange(size), n])
    out = {key: np.full(size, np.nan) for key in METRIC_KEYS} | {"stable": np.ones(size, bool)}
    out["occupancy"][no_call & (n > 0)] = 0.0
    busy = np.flatnonzero(~no_call)
    if busy.size:
        nb = n[busy]
        table = _log_d_table(lam[busy] / mu[busy], int(nb.max()))
        part = _core(
            lam[busy], mu[busy], theta[busy], nb, within[busy], table[np.arange(busy.size), nb]
        )
        for key, value in part.items():
            out[key][busy] = value
    return out
