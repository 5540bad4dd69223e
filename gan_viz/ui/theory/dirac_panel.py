"""Panel 3: the Dirac-GAN (Mescheder, Geiger, Nowozin 2018), live."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gan_viz.errors import ConfigError
from gan_viz.plots import theory as plots
from gan_viz.theory import dirac
from gan_viz.ui.theory import common

KEY = "theory.dirac"
ITERATIONS_PER_FRAME = 10

TEXT = """
**Claim.** Even the simplest GAN need not converge. Data sit at 0, G at θ (a point mass), and
D(x) = ψx. The only equilibrium is (θ, ψ) = (0, 0), but the gradient field there only rotates:
its Jacobian has eigenvalues ±i f′(0), no real part to pull the iterates in.

**What to look for.** The grey streamlines are the field, the coloured paths the discrete
iterates from (θ₀, ψ₀). *Simultaneous* steps spiral out (every eigenvalue of the update has
|λ| > 1), *alternating* steps circle (|λ| = 1), while R1/R2 and instance noise add a real part
and spiral in (|λ| < 1). The table sets the eigenvalues measured from the update (finite
differences) next to the paper's closed forms; the plane shows them against the unit circle.
"""


def _config_for(method: str, settings: dict) -> dirac.DiracConfig:
    return dirac.validate(dirac.DiracConfig(method=method, **settings))


def _spectrum_rows(configs: dict[str, dirac.DiracConfig]) -> pd.DataFrame:
    def fmt(z) -> str:
        return "—" if z is None else ",  ".join(f"{v.real:.4f} {v.imag:+.4f}i" for v in z)

    rows = []
    for label, cfg in configs.items():
        J = dirac.update_jacobian(cfg)
        measured = None if J is None else np.linalg.eigvals(J)
        rows.append(
            {
                "method": label,
                "field J: closed form": fmt(dirac.field_eigenvalues_closed_form(cfg)),
                "update: closed form": fmt(dirac.update_eigenvalues_closed_form(cfg)),
                "update: measured": fmt(measured),
                "verdict": dirac.verdict(measured),
            }
        )
    return pd.DataFrame(rows)


def render() -> None:
    st.header("3 · Dirac-GAN dynamics")
    st.markdown(TEXT)
    c1, c2, c3 = st.columns(3)
    methods = c1.multiselect(
        "Methods",
        list(dirac.METHODS),
        default=["gan", "r1", "instance_noise"],
        format_func=lambda m: m.replace("_", " "),
        help="\n".join(f"- **{k}**: {v}" for k, v in dirac.METHODS.items()),
        key=f"{KEY}.methods",
    )
    scheme = c1.radio("Updates", dirac.SCHEMES, horizontal=True, key=f"{KEY}.scheme")
    h = c2.number_input("step size h", value=0.2, format="%.3f", key=f"{KEY}.h")
    d_steps = int(
        c2.number_input(
            "D steps per iteration (n_d)",
            value=1,
            step=1,
            key=f"{KEY}.nd",
            disabled=scheme == "simultaneous",
        )
    )
    g_steps = int(
        c2.number_input(
            "G steps per iteration (n_g)",
            value=1,
            step=1,
            key=f"{KEY}.ng",
            disabled=scheme == "simultaneous",
        )
    )
    iterations = int(c2.number_input("iterations", value=500, step=100, key=f"{KEY}.iters"))
    gamma = c3.number_input("γ (R1/R2, WGAN-GP, consensus)", value=1.0, key=f"{KEY}.gamma")
    sigma = c3.number_input("σ (instance noise)", value=1.0, key=f"{KEY}.sigma")
    theta0 = c3.number_input("θ₀", value=1.0, key=f"{KEY}.theta0")
    psi0 = c3.number_input("ψ₀", value=1.0, key=f"{KEY}.psi0")
    if scheme == "simultaneous":
        d_steps = g_steps = 1
    settings = dict(
        scheme=scheme,
        h=h,
        d_steps=d_steps,
        g_steps=g_steps,
        gamma=gamma,
        sigma=sigma,
        theta0=theta0,
        psi0=psi0,
    )
    if not methods:
        st.info("Pick at least one method.")
        return
    try:
        if not 1 <= iterations <= 100_000:
            raise ConfigError("iterations", iterations, "a whole number from 1 to 100000")
        configs = {m: _config_for(m, settings) for m in methods}
        games = common.session_object(
            KEY,
            (tuple(methods), tuple(sorted(settings.items()))),
            lambda: {m: dirac.DiracGame(cfg) for m, cfg in configs.items()},
        )
    except ConfigError as err:
        common.show_error(err)
        return
    if common.run_controls(KEY, "Run to the end"):
        for game in games.values():
            game.step(iterations - game.iterations)
    common.live(KEY, lambda advance: _frame(games, configs, iterations, advance))


def _frame(games: dict, configs: dict, iterations: int, advance: bool) -> None:
    if advance:
        for game in games.values():
            game.step(min(ITERATIONS_PER_FRAME, max(iterations - game.iterations, 0)))
        if all(g.iterations >= iterations or g.diverged for g in games.values()):
            common.set_running(KEY, False)
            st.rerun(scope="app")
    for name, game in games.items():
        if game.diverged:
            st.warning(f"{name}: the iterates {game.diverged}; the path stops there.")
    paths = {name: g.points() for name, g in games.items()}
    first = next(iter(configs.values()))
    span = max(2.0, 1.1 * max(float(np.abs(p).max()) for p in paths.values()))
    span = min(span, 10.0)
    axis_t, axis_p, v_t, v_p = dirac.field_grid(first, span=span)
    proj = common.projector()
    cols = st.columns(len(games))
    for col, (name, game) in zip(cols, games.items()):
        col.metric(
            f"{name}: distance",
            f"{game.distance():.4f}",
            help=f"|(θ, ψ)| after {game.iterations} iterations",
        )
    left, right = st.columns([3, 2])
    left.plotly_chart(
        plots.dirac_field(axis_t, axis_p, v_t, v_p, paths, proj),
        key=f"{KEY}.field",
        width="stretch",
    )
    left.caption(f"Streamlines: the field of **{first.method}**.")
    right.plotly_chart(plots.dirac_distance(paths, proj), key=f"{KEY}.distance", width="stretch")
    J = dirac.update_jacobian(first)
    right.plotly_chart(
        plots.eigenvalue_plane(
            None if J is None else np.linalg.eigvals(J),
            dirac.update_eigenvalues_closed_form(first),
            proj,
        ),
        key=f"{KEY}.eig",
        width="stretch",
    )
    st.dataframe(_spectrum_rows(configs), hide_index=True, width="stretch")
