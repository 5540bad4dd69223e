"""Figure builders for the theory lab: plain arrays in, plotly figures out (no torch, no streamlit).

One colour per thing across the app (gan_viz.plots.palette): p_data black dotted, p_g green,
D blue dashed, D* grey dash-dot, reference lines (-log 4, 1/2, the true divergence) orange.
"""

from gan_viz.plots.theory.common import MAX_POINTS
from gan_viz.plots.theory.dirac import dirac_distance, dirac_field, eigenvalue_plane
from gan_viz.plots.theory.fgan import fgan_bound, fgan_critic, fgan_fit, fgan_landscape
from gan_viz.plots.theory.mle import divergence_bars, mle_densities
from gan_viz.plots.theory.optimal_d import optimal_d_1d, optimal_d_2d, optimal_d_curves

__all__ = [
    "MAX_POINTS",
    "dirac_distance",
    "dirac_field",
    "divergence_bars",
    "eigenvalue_plane",
    "fgan_bound",
    "fgan_critic",
    "fgan_fit",
    "fgan_landscape",
    "mle_densities",
    "optimal_d_1d",
    "optimal_d_2d",
    "optimal_d_curves",
]
