"""A toy GAN run: a 1-D or 2-D target, MLP nets, Algorithm 1, measurements and history.

This is the engine object the playground, the CLI and the sweeps drive:

    run = ToyGAN(RunConfig(target=TargetConfig("ring8")))
    run.train(1000)            # iterations; a metric row + snapshot every cadence.record_every
    run.step_d(); run.step_g() # single moves of the game
    snap = run.snapshot()      # where the game stands now, as numpy

A record is three stages, so that the live app can measure one moment while training goes on:
`capture()` freezes the game (copies of G and D, the counters), `measure(moment)` computes the
metric row and snapshot from that copy alone, `commit(...)` appends them to the history.
`record()` runs the three in a row.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from scipy import special

from gan_viz.config import RunConfig
from gan_viz.device import resolve_device
from gan_viz.errors import NeedsReset
from gan_viz.game_run import GameRun
from gan_viz.history import History
from gan_viz.measure import (
    MODE_SAMPLES,
    Densities,
    DensityMeter,
    SlicedW1,
    default_bandwidth,
    default_grid,
    mode_metrics,
    wasserstein1,
)
from gan_viz.nets import build_nets
from gan_viz.objectives import Objective, value_fn
from gan_viz.snapshot import Snapshot
from gan_viz.targets import make_target
from gan_viz.train import GameTrainer, weight_copies
from gan_viz.validation import validate

RESET_SECTIONS = ("target", "noise", "nets", "seed", "device")  # changes that need a new run
N_ARROWS = 200  # fake samples that carry a gradient arrow in a snapshot
Z_LINE_POINTS = 41  # points of the z-line drawn under the 1-D plot
# Rows per forward pass when measuring on a CPU: a block's activations (1,024 x 128 floats, 512 KB
# a layer) stay in a core's L2 cache, so the matmuls run near the core's peak; from width 32 to
# 512 this size is close to the best (figures: benchmarks/RESULTS.md, design notes). Rows are
# independent, so the blocks change no result. A GPU takes the whole set in one pass: there each
# block costs kernel launches, not cache misses.
EVAL_BLOCK = 1024
SAMPLE_CHUNK = 65_536  # z per forward pass in `sample`: bounds G's activations whatever n is


def _blocks(net: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    if len(x) <= EVAL_BLOCK or x.device.type != "cpu":
        return net(x)
    return torch.cat([net(part) for part in x.split(EVAL_BLOCK)])


def _d_prob(
    D: torch.nn.Module, objective: Objective, x: torch.Tensor, std_from: torch.Tensor | None
) -> torch.Tensor:
    """D(x) in (0, 1) at each point (packing: each point judged with copies of itself)."""
    v = D(x.repeat_interleave(D.pack, 0), std_from=std_from)
    return objective.d_prob(v)


def _frozen(net: torch.nn.Module) -> torch.nn.Module:
    """A private copy of net for measuring: no gradients kept for its weights."""
    twin = copy.deepcopy(net)
    twin.requires_grad_(False)
    return twin


@dataclass
class Moment:
    """The game at one iteration, frozen for measuring: G and D as they were (private copies when
    captured with `copy=True`, so training may go on meanwhile), the objective, the counters,
    the seconds trained and the last step's statistics."""

    G: torch.nn.Module
    D: torch.nn.Module
    objective: Objective
    step: int
    d_updates: int
    g_updates: int
    seconds: float
    stats: dict[str, float]

    @property
    def counters(self) -> dict[str, int]:
        return {"step": self.step, "d_updates": self.d_updates, "g_updates": self.g_updates}


@dataclass
class _Measurement:
    metrics: dict
    dens: Densities
    fake_t: torch.Tensor
    fake: np.ndarray
    std_ref: torch.Tensor | None
    mode_counts: np.ndarray | None


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, default=lambda a: np.asarray(a).tolist())


def config_json(cfg: RunConfig, resolved_target_params: dict | None = None) -> str:
    """Every setting as JSON, with the target's parameters after defaults were applied."""
    data = cfg.to_dict()
    if resolved_target_params is not None:
        data["target"]["params"] = resolved_target_params
    return json.dumps(data, indent=2, default=lambda a: np.asarray(a).tolist())


def z_quantiles(prior: str, n: int) -> np.ndarray:
    """The (i + 1/2)/n quantiles of the 1-D prior: a noise-free stand-in for n samples."""
    u = (np.arange(n) + 0.5) / n
    return special.ndtri(u) if prior == "normal" else 2 * u - 1


class ToyGAN(GameRun):
    def __init__(self, cfg: RunConfig):
        super().__init__()
        self.cfg = validate(cfg)
        self.target = make_target(cfg.target)
        self.device = resolve_device(cfg.device)
        self.dim, self.z_dim = self.target.dim, cfg.noise.dim
        self.noise_gen = torch.Generator(device=self.device).manual_seed(cfg.seed)
        self.data_rng = np.random.default_rng([cfg.seed, 1])
        G, D = build_nets(cfg.nets, self.z_dim, self.dim, torch.Generator().manual_seed(cfg.seed))
        self.trainer = GameTrainer(
            G.to(self.device),
            D.to(self.device),
            self._sample_real,
            self._sample_z,
            cfg.objective,
            cfg.optim,
            self.noise_gen,
        )
        self._set_cadence()
        self.history = History(cfg.cadence.max_snapshots)
        self._last_good = self._weights()
        self.record()

    # --- sampling --------------------------------------------------------------------------------

    def _sample_real(self, m: int) -> torch.Tensor:
        return torch.from_numpy(self.target.sample(m, self.data_rng)).float().to(self.device)

    def _sample_z(self, m: int) -> torch.Tensor:
        shape = (m, self.z_dim)
        if self.cfg.noise.prior == "normal":
            return torch.randn(shape, generator=self.noise_gen, device=self.device)
        return 2 * torch.rand(shape, generator=self.noise_gen, device=self.device) - 1

    def _set_cadence(self) -> None:
        """Fixed evaluation sets: the same z and real points at every record, so drawn samples
        move smoothly from frame to frame instead of jittering."""
        c = self.cfg.cadence
        self.grid = default_grid(self.target, c.grid)
        self.h = default_bandwidth(self.grid)
        self.meter = DensityMeter(self.target, self.grid, self.h)
        eval_rng = np.random.default_rng([self.cfg.seed, 2])
        n = c.eval_samples
        self.real_eval = self.target.sample(n, eval_rng)
        self.sliced_w1 = SlicedW1(self.real_eval) if self.dim == 2 else None
        if self.z_dim == 1:
            z = z_quantiles(self.cfg.noise.prior, n)[:, None]
            self._show_order = eval_rng.permutation(n)  # quantiles are sorted: show a mix
        else:
            gen = torch.Generator().manual_seed(self.cfg.seed + 7)
            z = torch.randn(n, self.z_dim, generator=gen).numpy()
            if self.cfg.noise.prior == "uniform":
                z = 2 * torch.rand(n, self.z_dim, generator=gen).numpy() - 1
            self._show_order = np.arange(n)
        self.z_eval = torch.from_numpy(z).float().to(self.device)
        self.real_eval_t = torch.from_numpy(self.real_eval).float().to(self.device)
        self.grid_t = torch.from_numpy(self.grid.points()).float().to(self.device)

    # --- the game --------------------------------------------------------------------------------

    def _record_every(self) -> int:
        return self.cfg.cadence.record_every

    def _record(self) -> None:
        if self.diverged is None:
            self.record()

    def update(self, cfg: RunConfig) -> None:
        """Apply changed settings mid-run. Objective, optimisation and cadence change from the
        next step on; target, noise, networks, seed or device raise NeedsReset."""
        validate(cfg)
        changed = [
            s
            for s in RESET_SECTIONS
            if _canonical(
                dataclasses.asdict(self.cfg)[s]
                if s not in ("seed", "device")
                else getattr(self.cfg, s)
            )
            != _canonical(
                dataclasses.asdict(cfg)[s] if s not in ("seed", "device") else getattr(cfg, s)
            )
        ]
        if changed:
            raise NeedsReset(changed)
        self.trainer.update(cfg.objective, cfg.optim)
        old_cadence, self.cfg = self.cfg.cadence, cfg
        self.history.max_snapshots = cfg.cadence.max_snapshots
        if (old_cadence.grid, old_cadence.eval_samples) != (
            cfg.cadence.grid,
            cfg.cadence.eval_samples,
        ):
            self._set_cadence()

    # --- measuring -------------------------------------------------------------------------------

    def d_prob(self, x: torch.Tensor, std_from: torch.Tensor | None = None) -> torch.Tensor:
        """D(x) in (0, 1) at each point (packing: each point judged with copies of itself)."""
        return _d_prob(self.trainer.D, self.trainer.objective, x, std_from)

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """n fresh samples of the current generator, (n, dim) float32."""
        gen = torch.Generator(device=self.device).manual_seed(
            self.cfg.seed + 11 if seed is None else seed
        )
        shape = (n, self.z_dim)
        with torch.no_grad():
            if self.cfg.noise.prior == "normal":
                z = torch.randn(shape, generator=gen, device=self.device)
            else:
                z = 2 * torch.rand(shape, generator=gen, device=self.device) - 1
            # in chunks: G's hidden activations for a million z at once would be GBs
            chunks = [self.trainer.G(part).float().cpu() for part in z.split(SAMPLE_CHUNK)]
            return torch.cat(chunks).numpy()

    def record(self, snapshot: bool | None = None) -> Snapshot | None:
        """Measure now and append a metric row to the history; also a full snapshot when
        `snapshot` is True, or (None) when cadence.snapshot_every says one is due."""
        moment = self.capture(copy=False)  # measured at once: the live nets serve
        if moment is None:
            return None
        if snapshot is None:
            last = self.history.latest()
            every = self.cfg.cadence.snapshot_every
            snapshot = every == 0 or last is None or moment.step - last.step >= every
        row, snap = self.measure(moment, snapshot)
        self.commit(moment, row, snap)
        return snap

    def capture(self, copy: bool = True) -> Moment | None:
        """The game as it stands, for `measure`; None once the run has diverged (checked here:
        a NaN or inf weight ends the run as in `record`). With `copy`, G and D are private
        copies, so training may go on while another thread measures the moment."""
        if self.diverged is not None:
            return None
        self._guarded(self.trainer.check_finite)
        if self.diverged is not None:
            return None
        return self._moment(copy)

    def _moment(self, copy: bool) -> Moment:
        seconds = self.seconds_training
        if self._train_start is not None:
            seconds += time.perf_counter() - self._train_start
        t = self.trainer
        G, D = (_frozen(t.G), _frozen(t.D)) if copy else (t.G, t.D)
        return Moment(
            G, D, t.objective, t.iteration, t.d_updates, t.g_updates, seconds, t.scalar_stats()
        )

    def measure(self, moment: Moment, snapshot: bool) -> tuple[dict, Snapshot | None]:
        """The metric row of `moment`, and its snapshot if `snapshot`. Reads the moment and
        this run's fixed evaluation sets only, so it may run in another thread while the run
        trains; the history is not touched (see `commit`)."""
        m = self._measure(moment)
        row = {**moment.counters, "seconds": moment.seconds, **m.metrics}
        return row, self._snapshot_from(moment, m) if snapshot else None

    def commit(self, moment: Moment, row: dict, snap: Snapshot | None) -> None:
        """Append a measured moment to the history; its weights become the last good ones."""
        self.history.add_row(row)
        if snap is not None:
            self.history.add_snapshot(snap)
        self._last_good = weight_copies(moment.G, moment.D)

    def _measure(self, moment: Moment) -> _Measurement:
        """The metric row: divergences, V, D on real and fake, W1, mode metrics."""
        G, D, objective = moment.G, moment.D, moment.objective

        def d_prob(x: torch.Tensor) -> torch.Tensor:
            return _d_prob(D, objective, x, std_ref)

        with torch.inference_mode():
            fake_t = _blocks(G, self.z_eval)
            fake = fake_t.float().cpu().numpy()
            std_ref = fake_t[: self.cfg.optim.batch] if D.minibatch_std else None
            d_real = _blocks(d_prob, self.real_eval_t)
            d_fake = _blocks(d_prob, fake_t)
            v = float(value_fn(d_real, d_fake))
        dens = self.meter.measure(fake)
        metrics = {
            "js": dens.js,
            "kl": dens.kl,
            "rkl": dens.rkl,
            "w1": self.sliced_w1(fake) if self.sliced_w1 else wasserstein1(fake, self.real_eval),
            "v": v if objective.prob_is_dstar else float("nan"),
            "c": -np.log(4.0) + 2.0 * dens.js,
            "d_real": float(d_real.mean()),
            "d_fake": float(d_fake.mean()),
            "outside_g": dens.outside_g,
        }
        for key, value in moment.stats.items():
            metrics.setdefault(key if key not in ("d_real", "d_fake") else f"batch_{key}", value)
        counts = None
        if self.target.modes is not None:
            mm = mode_metrics(fake[:MODE_SAMPLES], self.target.modes)
            metrics.update(modes=mm["modes"], hq=mm["hq"], mode_kl=mm["mode_kl"])
            counts = mm["counts"]
        return _Measurement(metrics, dens, fake_t, fake, std_ref, counts)

    def snapshot(self) -> Snapshot:
        """Where the game stands now, as numpy (see gan_viz.snapshot)."""
        moment = self._moment(copy=False)
        return self._snapshot_from(moment, self._measure(moment))

    def sketch(self, moment: Moment | None = None) -> Snapshot:
        """The game's picture at `moment` (now by default) without its measurements: D on the
        grid, the shown real and fake samples, G's gradient arrows and its z-mapping, as a
        snapshot would draw them. It measures nothing: its densities (p_data, p_g, D*) are
        empty arrays and it has no metrics or mode counts; those come with `record`. So it costs
        a fraction of a recorded snapshot (no 10,000-sample G, D(real), D(fake), densities or
        Wasserstein distance; figures: benchmarks/RESULTS.md, design notes)."""
        if moment is None:
            moment = self._moment(copy=False)
        show = self._show_order[: self.cfg.cadence.show_samples]
        with torch.inference_mode():
            fake_t = _blocks(moment.G, self.z_eval[torch.from_numpy(show).to(self.device)])
            std_ref = None
            if moment.D.minibatch_std:  # D judges as in a record: against the same fakes
                std_ref = moment.G(self.z_eval[: self.cfg.optim.batch])
        empty = np.zeros(0)
        return self._draw(moment, show, fake_t, std_ref, p_data=empty, p_g=empty, d_star=empty)

    def _snapshot_from(self, moment: Moment, m: _Measurement) -> Snapshot:
        show = self._show_order[: self.cfg.cadence.show_samples]
        dens = m.dens
        snap = self._draw(
            moment,
            show,
            m.fake_t[show],
            m.std_ref,
            p_data=dens.p_data,
            p_g=dens.p_g,
            d_star=dens.d_star,
            metrics=m.metrics,
        )
        if m.mode_counts is not None:
            snap.mode_counts = m.mode_counts
            snap.mode_centres = self.target.modes.centres
        return snap

    def _draw(
        self,
        moment: Moment,
        show: np.ndarray,
        fake_t: torch.Tensor,
        std_ref: torch.Tensor | None,
        **fields,
    ) -> Snapshot:
        """A snapshot of what is drawn at `moment`, given the evaluation samples shown (`show`)
        and their fakes G(z) (`fake_t`): D on the grid, the samples, G's z-mapping and gradient
        arrows, plus `fields` (densities, metrics)."""
        with torch.no_grad():
            d = _blocks(lambda x: _d_prob(moment.D, moment.objective, x, std_ref), self.grid_t)
        snap = Snapshot(
            step=moment.step,
            d_updates=moment.d_updates,
            g_updates=moment.g_updates,
            real=self.real_eval[show].astype(np.float32),
            fake=fake_t.float().cpu().numpy(),
            axes=list(self.grid.axes),
            d=d.float().cpu().numpy().reshape(self.grid.shape),
            h=self.h,
            **fields,
        )
        self._mapping(moment.G, snap)
        snap.g_arrows = self._g_arrows(moment, fake_t[:N_ARROWS])
        return snap

    def _mapping(self, G: torch.nn.Module, snap: Snapshot) -> None:
        """The z -> x picture: mapping lines (1-D) or G's image of a z-grid (2-D, z <= 2)."""
        prior = self.cfg.noise.prior
        span = 1.0 if prior == "uniform" else 2.5
        with torch.no_grad():
            if self.dim == 1 and self.z_dim == 1:
                z = z_quantiles(prior, Z_LINE_POINTS)
                x = G(torch.from_numpy(z).float()[:, None].to(self.device))
                snap.z_line, snap.x_line = z, x[:, 0].float().cpu().numpy()
            elif self.dim == 2 and self.z_dim <= 2:
                ticks = np.linspace(-span, span, 11)
                fine = np.linspace(-span, span, 60)
                if self.z_dim == 1:
                    lines = fine[None, :, None]
                else:
                    a, b = np.meshgrid(ticks, fine, indexing="ij")  # (11, 60)
                    lines = np.concatenate([np.stack([a, b], -1), np.stack([b, a], -1)])
                z = torch.from_numpy(lines.reshape(-1, self.z_dim)).float().to(self.device)
                x = G(z).float().cpu().numpy()
                snap.z_grid = x.reshape(lines.shape[0], lines.shape[1], 2)

    @staticmethod
    def _g_arrows(moment: Moment, fake: torch.Tensor) -> np.ndarray:
        """-d(G's loss)/dx at fake samples: where G's gradient pushes each sample."""
        x = fake.detach().clone().requires_grad_(True)
        D, obj = moment.D, moment.objective
        v = D(x.repeat_interleave(D.pack, 0))
        (grad,) = torch.autograd.grad(obj.g_loss(v) * len(v), x)
        return (-grad).float().cpu().numpy()

    # --- saving ----------------------------------------------------------------------------------

    def config_json(self) -> str:
        return config_json(self.cfg, self.target.params)
