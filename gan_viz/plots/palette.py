"""One palette everywhere, colour-blind safe (Okabe & Ito 2008), and the projector mode.

The same thing always has the same colour: real data, generated data, D and D* never change
colour between views, pages or exports.
"""

from __future__ import annotations

from dataclasses import dataclass

REAL = "#000000"  # p_data and real samples: black (dotted line, as in Goodfellow et al. Fig. 1)
FAKE = "#009E73"  # p_g and generated samples: bluish green
D = "#0072B2"  # the learned discriminator D(x): blue (dashed)
D_STAR = "#7F7F7F"  # the optimal discriminator D*(x): grey (dash-dot)
GRADIENT = "#D55E00"  # G's gradient arrows: vermillion
ACCENT = "#E69F00"  # reference lines (-log 4, log 2, 1/2): orange
EXTRA = ("#CC79A7", "#56B4E9", "#F0E442")  # further series: reddish purple, sky blue, yellow

# D(x) heat maps: diverging around 1/2 (blue = "real", orange = "fake"), colour-blind safe.
D_COLORSCALE = [[0.0, "#E69F00"], [0.5, "#F7F7F7"], [1.0, "#0072B2"]]


@dataclass(frozen=True)
class Style:
    font: int = 13  # base font size, px
    line: float = 2.0  # line width, px
    marker: float = 4.0  # sample marker size, px


NORMAL = Style()
PROJECTOR = Style(font=22, line=4.0, marker=7.0)


def style(projector: bool = False) -> Style:
    return PROJECTOR if projector else NORMAL
