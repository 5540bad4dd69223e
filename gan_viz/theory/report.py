"""The theory lab headless: the four experiments with fixed seeds, their numbers, and the checks.

`run_report()` is what `gan-viz theory` prints. Every number is measured, none is copied from a
paper; `checks` sets each against its target (from issue 6) and says whether it was met.

Settings (the `full` run; `quick` is the CI-sized run with fewer steps, the same experiments):
- optimal D: p_data = bimodal (-2, 2; std 0.5), p_g = N(0, 1) frozen; then p_g = p_data. 2-D:
  four Gaussians (radius 1.5, std 0.4) against N(0, 1.2^2 I); then p_g = p_data.
- f-GAN (a): P = the same bimodal p_data, Q = N(0, 1) fixed, a critic trained per f.
- f-GAN (b): G = N(mu, sigma^2) from (0.5, 0.5) against the same p_data, per f.
- Dirac-GAN: 500 iterations of h = 0.2 from (1, 1) per method (dirac.REPORT_METHODS).
- MLE: one Gaussian by EM against the playground's default GAN on the bimodal target.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from gan_viz.config import TargetConfig
from gan_viz.targets import make_target
from gan_viz.theory import dirac, divergences, fgan, mle, optimal_d

LOG4 = math.log(4.0)

BIMODAL = TargetConfig("bimodal")
FIXED_G = (0.0, 1.0)  # p_g = N(0, 1) for the optimal-D panel and f-GAN (a)
RING4 = TargetConfig("ring8", {"modes": 4, "radius": 1.5, "std": 0.4})
G_2D = TargetConfig("gaussian2d", {"mean": [0.0, 0.0], "std": [1.2, 1.2]})


@dataclass(frozen=True)
class ReportSettings:
    d_steps_1d: int = 2000  # D steps against the frozen G, 1-D
    d_steps_2d: int = 2000  # D steps against the frozen G, 2-D
    critic_steps: int = 3000  # f-GAN (a): critic steps per f
    bound_names: tuple[str, ...] = tuple(fgan.F_DIVERGENCES)  # the f of (a)
    fit_iterations: int = 2500  # f-GAN (b): game iterations per f
    fit_half_life: int = 2500  # f-GAN (b): the learning rates halve after this many iterations
    fit_names: tuple[str, ...] = tuple(fgan.F_DIVERGENCES)  # the f of (b)
    gan_steps: int = 3000  # MLE panel: GAN iterations
    dirac_iterations: int = 500


FULL = ReportSettings()
QUICK = ReportSettings(
    d_steps_1d=1000,
    d_steps_2d=0,
    critic_steps=800,
    bound_names=("kl", "reverse_kl", "js"),
    fit_iterations=1000,
    fit_names=("reverse_kl", "js"),
    gan_steps=600,
)


def _optimal_d(s: ReportSettings, seed: int, log: Callable[[str], None]) -> dict:
    p_data = make_target(BIMODAL)
    p_g = divergences.gaussian_law(*FIXED_G)
    cfg = optimal_d.OptimalDConfig(seed=seed)
    out: dict = {"p_data": p_data.describe(), "p_g": p_g.describe(), "steps": s.d_steps_1d}
    st = optimal_d.OptimalD(p_data, p_g, cfg).train(s.d_steps_1d, record_every=s.d_steps_1d)
    out.update(dstar_gap=st.gap, v=st.v, c=st.c, js=st.js, v_minus_c=st.v - st.c)
    eq = optimal_d.OptimalD(p_data, p_data, cfg).train(s.d_steps_1d, record_every=s.d_steps_1d)
    out.update(equilibrium_v=eq.v, equilibrium_gap=eq.gap)
    log(
        f"optimal D (1-D): gap {st.gap:.4f}, V - C(G) {st.v - st.c:+.4f}, "
        f"V at p_g = p_data {eq.v:.4f}"
    )
    if s.d_steps_2d:
        p2, g2 = make_target(RING4), make_target(G_2D)
        st2 = optimal_d.OptimalD(p2, g2, cfg).train(s.d_steps_2d, record_every=s.d_steps_2d)
        eq2 = optimal_d.OptimalD(p2, p2, cfg).train(s.d_steps_2d, record_every=s.d_steps_2d)
        out["2d"] = {
            "p_data": p2.describe(),
            "p_g": g2.describe(),
            "steps": s.d_steps_2d,
            "dstar_gap": st2.gap,
            "v_minus_c": st2.v - st2.c,
            "c": st2.c,
            "equilibrium_v": eq2.v,
        }
        log(f"optimal D (2-D): gap {st2.gap:.4f}, V - C(G) {st2.v - st2.c:+.4f}")
    return out


def _fgan(s: ReportSettings, seed: int, log: Callable[[str], None]) -> dict:
    p = make_target(BIMODAL)
    q = divergences.gaussian_law(*FIXED_G)
    fit_cfg = fgan.FitConfig(lr_half_life=s.fit_half_life)
    fit_cfg = replace(fit_cfg, critic=replace(fit_cfg.critic, seed=seed))
    out: dict = {}
    for name in dict.fromkeys(s.bound_names + s.fit_names):
        row: dict = {}
        if name in s.bound_names:
            reason = divergences.why_undefined(name, p, q)
            if reason is None:
                vb = fgan.VariationalBound(name, p, q, fgan.CriticConfig(seed=seed))
                row["bound"] = vb.train(s.critic_steps, record_every=s.critic_steps)
                row["true"] = vb.true
                row["bound_rel_error"] = abs(row["bound"] - vb.true) / abs(vb.true)
                log(f"f-GAN {name}: bound {row['bound']:.4f}, D_f {vb.true:.4f}")
            else:
                row.update(bound=None, true=None, undefined=reason)
                log(f"f-GAN {name}: {reason}")
        if name in s.fit_names:
            game = fgan.GaussianFit(name, p, fit_cfg)
            game.step(s.fit_iterations)
            mu, sigma = game.estimate()
            mu_x, sigma_x = divergences.exact_fit(name, p, fit_cfg.mu0, fit_cfg.sigma0)
            row.update(mu=mu, sigma=sigma, mu_exact=mu_x, sigma_exact=sigma_x)
            row["fit_error"] = max(abs(mu - mu_x), abs(sigma - sigma_x))
            if game.diverged:
                row["diverged"] = game.diverged
            log(f"f-GAN {name}: G ({mu:.3f}, {sigma:.3f}), argmin ({mu_x:.3f}, {sigma_x:.3f})")
        out[name] = row
    return out


def _dirac(s: ReportSettings) -> tuple[dict, dict]:
    distances, spectra = {}, {}
    for key, cfg in dirac.REPORT_METHODS.items():
        distances[key] = dirac.final_distance(cfg, s.dirac_iterations)
        measured = None if (J := dirac.update_jacobian(cfg)) is None else _eig(J)
        closed = dirac.update_eigenvalues_closed_form(cfg)
        spectra[key] = {
            "measured": None if measured is None else [[z.real, z.imag] for z in measured],
            "closed_form": None if closed is None else [[z.real, z.imag] for z in closed],
            "verdict": dirac.verdict(measured),
        }
    return distances, spectra


def _eig(J: np.ndarray) -> list[complex]:
    return sorted(np.linalg.eigvals(J), key=lambda z: (round(z.real, 9), z.imag))


def _mle(s: ReportSettings, seed: int, log: Callable[[str], None]) -> dict:
    lab = mle.MLEvsGAN(BIMODAL, mle.MLEConfig(components=1, seed=seed))
    lab.step(s.gan_steps)
    out = lab.report()
    log(
        f"MLE vs GAN: EM KL {out['gmm']['kl']:.3f} / reverse {out['gmm']['rkl']:.3f}; "
        f"GAN KL {out['gan']['kl']:.3f} / reverse {out['gan']['rkl']:.3f}"
    )
    return out


def checks(report: dict) -> dict:
    """Each target of issue 6 with the measured value and whether it was met."""
    out: dict = {}

    def add(name: str, value, target: str, ok: bool) -> None:
        out[name] = {"value": value, "target": target, "ok": bool(ok)}

    if "dstar_gap" in report:
        add("dstar_gap", report["dstar_gap"], "<= 0.02", report["dstar_gap"] <= 0.02)
        add("v_minus_c", report["v_minus_c"], "|x| <= 0.01", abs(report["v_minus_c"]) <= 0.01)
        ev = report["equilibrium_v"]
        add("equilibrium_v", ev, "|x + log 4| <= 0.01", abs(ev + LOG4) <= 0.01)
    for name, row in report.get("fgan", {}).items():
        if row.get("bound") is not None:
            err = row["bound_rel_error"]
            add(f"fgan.{name}.bound", err, "relative error <= 0.05", err <= 0.05)
        if "fit_error" in row:
            err = row["fit_error"]
            add(f"fgan.{name}.fit", err, "max |error| of (mu, sigma) <= 0.1", err <= 0.1)
    d = report.get("dirac", {})
    if d:
        r0 = math.sqrt(2.0)
        add("dirac.simultaneous", d["simultaneous"], "> 1.41", d["simultaneous"] > 1.41)
        alt = d["alternating"]
        add("dirac.alternating", alt, "within 5% of 1.41", abs(alt - r0) <= 0.05 * r0)
        add("dirac.r1", d["r1"], "< 0.05", d["r1"] < 0.05)
        add("dirac.instance_noise", d["instance_noise"], "< 0.05", d["instance_noise"] < 0.05)
    return out


def run_report(
    quick: bool = False,
    seed: int = 0,
    log: Callable[[str], None] = lambda msg: None,
    settings: ReportSettings | None = None,
) -> dict:
    """Run the four experiments and return the report (a JSON-ready dict)."""
    s = settings or (QUICK if quick else FULL)
    start = time.perf_counter()
    report: dict = {"quick": quick, "seed": seed}
    od = _optimal_d(s, seed, log)
    report.update(
        dstar_gap=od["dstar_gap"], v_minus_c=od["v_minus_c"], equilibrium_v=od["equilibrium_v"]
    )
    report["optimal_d"] = od
    report["fgan"] = _fgan(s, seed, log)
    report["dirac"], report["dirac_eigenvalues"] = _dirac(s)
    log("Dirac-GAN: " + ", ".join(f"{k} {v:.3f}" for k, v in report["dirac"].items()))
    report["mle"] = _mle(s, seed, log)
    report["checks"] = checks(report)
    report["seconds"] = time.perf_counter() - start
    return report
