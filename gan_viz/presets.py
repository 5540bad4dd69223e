"""Named scenarios that set every knob at once: lessons for the playground, and the
mode-collapse presets with their cures. Used by the app and by `gan-viz train --preset NAME`."""

from __future__ import annotations

from dataclasses import dataclass

from gan_viz.config import (
    CadenceConfig,
    NetConfig,
    NoiseConfig,
    OptimConfig,
    RunConfig,
    TargetConfig,
)


@dataclass(frozen=True)
class Preset:
    name: str
    title: str  # one line for pickers and lists
    caption: str  # two sentences: what to watch for
    config: RunConfig
    steps: int  # iterations the lesson needs (the CLI's default --steps with this preset)
    group: str = "lesson"


def default_config(target: str = "gaussian") -> RunConfig:
    """Settings that learn visibly within a few thousand iterations on this target.

    1-D: uniform z of dimension 1 (as in Fig. 1 of the paper), small leaky-ReLU nets, lr 3e-4.
    2-D: Gaussian z of dimension 2 (so the warped z-grid can be drawn), 2 x 128 ReLU nets,
    lr 1e-3: on ring8 this covers all 8 modes by 4,000 iterations on the seeds we tried.
    """
    from gan_viz.targets import TARGETS

    cfg = RunConfig(target=TargetConfig(target))
    if TARGETS[target].dim == 2:
        cfg = cfg.replace(
            noise=NoiseConfig("normal", 2),
            nets=NetConfig(g_hidden=128, d_hidden=128, activation="relu"),
            optim={"lr_d": 1e-3, "lr_g": 1e-3},
        )
    return cfg


_FIG1 = RunConfig(
    target=TargetConfig("gaussian", {"mean": 2.0, "std": 0.5}),
    noise=NoiseConfig("uniform", 1),
    cadence=CadenceConfig(record_every=10),
)

# Plain SGD with momentum 0.9, as in the paper: its steps scale with the gradient, so a vanishing
# gradient stops G. (Adam rescales every gradient to a unit step and would hide the saturation.)
# G starts near x = 0, far from the data at 3, and D (5 steps, 10x G's rate) separates them first.
_SATURATION = _FIG1.replace(
    target={"params": {"mean": 3.0, "std": 0.4}},
    optim={"optimizer": "sgd", "momentum": 0.9, "lr_d": 0.02, "lr_g": 0.002, "d_steps": 5},
)

_RING = RunConfig(
    target=TargetConfig("ring8"),
    noise=NoiseConfig("normal", 2),
    nets=NetConfig(g_hidden=128, g_depth=2, d_hidden=128, d_depth=2, activation="relu"),
    optim=OptimConfig(lr_d=1e-3, lr_g=1e-3, batch=256),
    cadence=CadenceConfig(record_every=25),
)

_LESSONS = [
    Preset(
        "fig1",
        "The paper's 1-D picture (Goodfellow et al. 2014, Fig. 1)",
        "Uniform noise z is pushed through G onto the x-line; watch the green p_g slide onto the "
        "dotted p_data while the blue D(x) tilts towards the data. Near the end D flattens towards "
        "1/2, the picture of Fig. 1 (d).",
        _FIG1,
        3000,
    ),
    Preset(
        "saturating",
        "Saturating G loss: log(1 - D(G(z))) with a confident D",
        "G minimises the paper's original loss log(1 - D(G(z))) while D takes 5 steps per G "
        "step: D rejects the fakes at once, D(G(z)) falls to ~0 and G's gradient norm to ~1e-3 "
        "and below, so p_g never leaves its start and JS stays at log 2. Switch the objective to "
        "nonsaturating mid-run and watch G wake up within a few hundred iterations.",
        _SATURATION.replace(objective={"name": "minimax"}),
        2000,
    ),
    Preset(
        "nonsaturating",
        "Non-saturating G loss: -log D(G(z)), same confident D",
        "The same strong D as the saturating lesson, but G maximises log D(G(z)); its gradient is "
        "largest exactly when D rejects the fakes. p_g moves onto p_data within a few hundred "
        "iterations (JS below 0.1 nats by about 500).",
        _SATURATION.replace(objective={"name": "nonsaturating"}),
        2000,
    ),
    Preset(
        "strong-d",
        "Discriminator too strong: k = 25 D steps per G step",
        "D is trained almost to optimality before each G step, so the blue D(x) traces the grey "
        "D*(x) and V(G, D) sits just below C(G) = -log 4 + 2 JSD. Facing an ever-sharp D with "
        "the minimax loss, G settles on one of the two modes within ~150 iterations and JS stalls "
        "near 0.23 nats, the value of one missed mode.",
        _FIG1.replace(
            target={"name": "bimodal", "params": {}},
            objective={"name": "minimax"},
            optim={"d_steps": 25, "lr_d": 1e-3},
        ),
        1500,
    ),
    Preset(
        "lr-imbalance",
        "Learning rates out of balance: G 20x faster than D",
        "G moves far more per step than D can follow (Adam with beta1 = 0.9 adds momentum): p_g "
        "overshoots p_data, D turns against it, and p_g swings back. JS keeps swinging around "
        "0.5 nats and D(real) - D(fake) keeps changing sign, where the balanced rates of the "
        "Fig. 1 lesson settle near 0.03.",
        _FIG1.replace(optim={"lr_d": 1e-4, "lr_g": 2e-3, "beta1": 0.9}),
        3000,
    ),
    Preset(
        "equilibrium",
        "Reaching equilibrium: D -> 1/2, JS -> 0, V -> -log 4",
        "A Gaussian target, Gaussian noise and small learning rates: G only has to learn an "
        "affine map. JS falls towards 0, D(x) flattens onto the 1/2 line and V(G, D) settles on "
        "the -log 4 line (Goodfellow et al. 2014, Theorem 1).",
        RunConfig(
            target=TargetConfig("gaussian", {"mean": 1.5, "std": 0.6}),
            noise=NoiseConfig("normal", 1),
            nets=NetConfig(g_hidden=16, g_depth=1, d_hidden=32, d_depth=2),
            optim=OptimConfig(lr_d=2e-4, lr_g=2e-4, batch=512),
            cadence=CadenceConfig(record_every=10),
        ),
        4000,
    ),
]

# Mode collapse (issue 4): the saturating loss of the paper against a strong D (5 D steps per G
# step, D's rate 10x G's on the ring). D learns at once where the fakes are not, G runs to one or
# two modes, and from there its gradient log(1 - D(G(z))) vanishes as D rejects it (Goodfellow et
# al. 2014, Sec. 3): the samples are sharp (high quality) and the other modes stay empty. Every
# cure keeps the data and the networks and changes one thing.
# On the ring, G's rate 1e-4 (D's 10x) collapses every seed we swept; at 2e-4, 3 of 5 seeds
# spread thinly over 5-8 modes instead. On the grid, 2e-4 left a mild collapse (20 of 25 modes
# at 2,000 iterations); 1e-4 over 5,000 holds G to 9.4 (3 to 18) while PacGAN2 still reaches 22.
_RING_COLLAPSE = _RING.replace(
    objective={"name": "minimax"},
    optim={"lr_d": 1e-3, "lr_g": 1e-4, "d_steps": 5},
    cadence={"record_every": 50},
)
_GRID_COLLAPSE = _RING_COLLAPSE.replace(target={"name": "grid25", "params": {}})
# Unrolling cannot cure ring-collapse itself (2 of 8 modes on every seed, 5 unrolled steps): its
# saturating gradient vanishes, and behind 5 D steps per G step, 5 unrolled steps see only one
# iteration ahead. Metz et al. unroll against a D that takes one step per G step, at a tenth of
# G's rate (the authors' notebook: D 1e-4, G 1e-3, Adam beta1 0.5, same saturating loss). Those
# settings collapse without unrolling (1.6 of 8 modes over 5 seeds) and cover all 8 with 5
# unrolled steps: the cure is the look-ahead, not the rates.
_RING_UNROLLED = _RING_COLLAPSE.replace(
    objective={"unrolled_steps": 5},
    optim={"lr_d": 1e-4, "lr_g": 1e-3, "beta1": 0.5, "d_steps": 1},
)
# Every preset of a family is judged after the same training. At 2,000 iterations the ring's
# cures had not finished spreading (PacGAN2 6.6, WGAN-GP 5.4 of 8 modes over 5 seeds); at 5,000
# the collapse still holds (2 modes, ~80% high quality) and every cure covers all 8.
COLLAPSE_STEPS = 5000

_COLLAPSE = [
    Preset(
        "ring-collapse",
        "Mode collapse on the ring of 8 Gaussians (saturating loss, strong D)",
        "D takes 5 steps per G step at 10x G's rate, and G minimises the paper's "
        "log(1 - D(G(z))): within ~1,000 iterations G sits on two of the 8 modes and stays, its "
        "samples sharp (most within 3 std of a mode) while six modes stay empty.",
        _RING_COLLAPSE,
        COLLAPSE_STEPS,
        group="mode collapse",
    ),
    Preset(
        "ring-unrolled",
        "Cure: Unrolled GAN, G looks 5 D steps ahead (Metz et al. 2016)",
        "Metz et al.'s own settings on the ring (one D step at rate 1e-4, G's 1e-3, Adam beta1 "
        "0.5) with G's loss taken through 5 unrolled steps of D's optimiser (the real D never "
        "takes them): G covers all 8 modes on every seed we swept. Set unrolled steps to 0 and "
        "the same settings collapse onto one or two modes.",
        _RING_UNROLLED,
        COLLAPSE_STEPS,
        group="mode collapse",
    ),
    Preset(
        "ring-pacgan",
        "Cure: PacGAN, D judges 4 samples at once (Lin et al. 2018)",
        "The ring-collapse setting, but D sees its samples four at a time: four fakes from the "
        "same mode give G away, so G spreads over all 8 modes (every seed we swept); the "
        "occupancy strip fills row by row, the samples sharpening last.",
        _RING_COLLAPSE.replace(nets={"pack": 4}),
        COLLAPSE_STEPS,
        group="mode collapse",
    ),
    Preset(
        "ring-wgan-gp",
        "Cure: WGAN-GP, a critic with a gradient penalty (Gulrajani et al. 2017)",
        "The ring-collapse data and networks with the Wasserstein loss: the critic's gradient "
        "does not vanish on the fakes, so G is pulled towards the modes it misses: all 8 modes "
        "on every seed we swept, the samples settling onto the modes late in the run.",
        # Gulrajani et al.'s 5 critic steps, lambda 10 and Adam betas (0.5, 0.9), at rate 3e-4
        # for both: at their 1e-4, one seed in five stayed on 2 modes after 5,000 iterations.
        _RING_COLLAPSE.replace(
            objective={"name": "wgan_gp"},
            optim={"lr_d": 3e-4, "lr_g": 3e-4, "beta1": 0.5, "beta2": 0.9},
        ),
        COLLAPSE_STEPS,
        group="mode collapse",
    ),
    Preset(
        "grid-collapse",
        "Mode collapse on the 5 x 5 grid of Gaussians",
        "The ring-collapse setting on 25 modes: G settles on a handful of them (3 to 18 of 25 "
        "over the seeds we swept, 9 on average), most of the grid left empty.",
        _GRID_COLLAPSE,
        COLLAPSE_STEPS,
        group="mode collapse",
    ),
    Preset(
        "grid-pacgan",
        "Cure on the grid: PacGAN, D judges 2 samples at once (Lin et al. 2018)",
        "The grid-collapse setting with D seeing pairs of samples: a pair from one mode gives "
        "G away, and it spreads over about 22 of the 25 modes.",
        _GRID_COLLAPSE.replace(nets={"pack": 2}),
        COLLAPSE_STEPS,
        group="mode collapse",
    ),
]

PRESETS: dict[str, Preset] = {p.name: p for p in _LESSONS + _COLLAPSE}
