"""Algorithm 1 of Goodfellow et al. 2014, one step at a time, for any G, D and data.

    for each iteration:
        k times: sample m noise z and m data x; ascend D on V (here: descend D's loss)
        once:    sample m noise z; descend G on its loss

`simultaneous=True` instead takes one gradient step on D and G from the same point, the
single-step gradient method of Nowozin et al. 2016 (Algorithm 1 there).

The trainer knows nothing about targets or pixels: it takes a `sample_real(m)` and a
`sample_z(m)` function. The toy runs (gan_viz.toy) and image mode both drive it.

Conditional GANs (Mirza & Osindero 2014): when `sample_real` and `sample_z` return a pair
(samples, labels) instead of a tensor, the labels travel with their samples and the nets are
called as G(z, y) and D(x, y). Data-parallel training: `wrap` (e.g. torch's
DistributedDataParallel) wraps G and D for exactly the forward pass whose backward updates that
net; every other pass (G under no_grad, D while G steps, penalties) calls the plain module, so
each backward meets one wrapped forward, as DDP requires.

Speed notes (it must be at least as fast as a plain torch loop of the same maths):
D's step scores real and fake in one forward pass, G's sample is drawn without a graph in D's
step, and D's weights ask for no gradients during G's step.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.func import functional_call

from gan_viz.config import ObjectiveConfig, OptimConfig
from gan_viz.errors import Diverged
from gan_viz.objectives import OBJECTIVES, Objective
from gan_viz.unrolled import unroll

Tensor = torch.Tensor
Batch = Tensor | tuple[Tensor, Tensor]  # samples, or (samples, labels) for a conditional GAN


def split_batch(batch: Batch) -> tuple[Tensor, Tensor | None]:
    """(samples, labels or None) from what a sampler returned."""
    return batch if isinstance(batch, tuple) else (batch, None)


def call_net(net: Callable[..., Tensor], x: Tensor, labels: Tensor | None) -> Tensor:
    """net(x), or net(x, labels) when the samples carry labels."""
    return net(x) if labels is None else net(x, labels)


FUSED_DEVICES = ("cpu", "cuda")  # where torch has fused Adam and SGD kernels


def make_optimizer(params, lr: float, cfg: OptimConfig) -> torch.optim.Optimizer:
    """torch's own optimiser; Adam and SGD in their fused form where torch has one (the same
    update rule in one kernel over all of a net's tensors: faster on the toy nets, where the
    per-tensor overhead of the default is a visible share; figures: benchmarks/RESULTS.md,
    design notes)."""
    params = list(params)
    fused = bool(params) and params[0].device.type in FUSED_DEVICES
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(cfg.beta1, cfg.beta2), fused=fused)
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.momentum, fused=fused)
    return torch.optim.RMSprop(params, lr=lr, momentum=cfg.momentum)


def grad_norm(params) -> Tensor:
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.zeros(())
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))


def weight_copies(G: nn.Module, D: nn.Module) -> dict:
    """Copies of G's and D's state dicts on the CPU (a CPU tensor's .cpu() is itself, so each
    is copied)."""
    return {
        name: {k: v.detach().to("cpu", copy=True) for k, v in net.state_dict().items()}
        for name, net in (("G", G), ("D", D))
    }


class GameTrainer:
    """The minimax game between G and D, advanced by D steps, G steps or whole iterations.

    `stats` after a step holds tensors (no device sync): loss_d, loss_g, d_real, d_fake,
    grad_d, grad_g. Counters: `iteration`, `d_updates`, `g_updates`.
    """

    def __init__(
        self,
        G: nn.Module,
        D: nn.Module,
        sample_real: Callable[[int], Batch],
        sample_z: Callable[[int], Batch],
        objective: ObjectiveConfig,
        optim: OptimConfig,
        generator: torch.Generator,
        wrap: Callable[[nn.Module], nn.Module] | None = None,
    ):
        self.G, self.D = G, D
        # the nets as called in the pass that trains them (the same modules unless wrapped)
        self.G_train = wrap(G) if wrap is not None else G
        self.D_train = wrap(D) if wrap is not None else D
        self.sample_real, self.sample_z = sample_real, sample_z
        self.generator = generator
        self.iteration = self.d_updates = self.g_updates = 0
        self.stats: dict[str, Tensor] = {}
        self.objective_cfg = objective
        self.optim_cfg = optim
        self.opt_d = make_optimizer(D.parameters(), optim.lr_d, optim)
        self.opt_g = make_optimizer(G.parameters(), optim.lr_g, optim)

    # --- settings that may change mid-run -----------------------------------------------------

    @property
    def objective(self) -> Objective:
        return OBJECTIVES[self.objective_cfg.name]

    def update(self, objective: ObjectiveConfig | None = None, optim: OptimConfig | None = None):
        """Apply new objective/optimisation settings from the next step on; the run goes on.

        Learning rates, betas and momentum change in place (optimiser state kept); a different
        optimiser starts with fresh state.
        """
        if objective is not None:
            self.objective_cfg = objective
        if optim is not None:
            if optim.optimizer != self.optim_cfg.optimizer:
                self.opt_d = make_optimizer(self.D.parameters(), optim.lr_d, optim)
                self.opt_g = make_optimizer(self.G.parameters(), optim.lr_g, optim)
            else:
                for opt, lr in ((self.opt_d, optim.lr_d), (self.opt_g, optim.lr_g)):
                    for group in opt.param_groups:
                        group["lr"] = lr
                        if "betas" in group:
                            group["betas"] = (optim.beta1, optim.beta2)
                        if "momentum" in group:
                            group["momentum"] = optim.momentum
            self.optim_cfg = optim

    # --- pieces of the game ----------------------------------------------------------------------

    def noise_std(self) -> float:
        """Instance noise std now: linear annealing to 0 over `instance_noise_anneal` steps."""
        o = self.objective_cfg
        if o.instance_noise <= 0:
            return 0.0
        if o.instance_noise_anneal <= 0:
            return o.instance_noise
        return o.instance_noise * max(0.0, 1.0 - self.iteration / o.instance_noise_anneal)

    def _blur(self, x: Tensor) -> Tensor:
        std = self.noise_std()
        if std == 0.0:
            return x
        noise = torch.randn(x.shape, generator=self.generator, device=x.device, dtype=x.dtype)
        return x + std * noise

    def _d_loss(
        self,
        real: Tensor,
        fake: Tensor,
        D: Callable[..., Tensor] | None = None,
        y_real: Tensor | None = None,
        y_fake: Tensor | None = None,
    ) -> tuple[Tensor, Tensor, Tensor]:
        """D's loss with its penalties, and D's logits on real and fake (labels y, if any)."""
        D_main, D_plain = (D, D) if D is not None else (self.D_train, self.D)
        obj, o = self.objective, self.objective_cfg
        real, fake = self._blur(real), self._blur(fake)
        if o.r1_gamma > 0:
            real = real.detach().requires_grad_(True)
        m = len(real) // self.D.pack
        if getattr(self.D, "minibatch_std", False):
            v_real, v_fake = D_main(real), D_plain(fake)
        else:
            labels = None if y_real is None else torch.cat([y_real, y_fake])
            v = call_net(D_main, torch.cat([real, fake]), labels)
            v_real, v_fake = v[:m], v[m:]
        label = o.label_smoothing if obj.uses_labels else 1.0
        loss = obj.d_loss(v_real, v_fake, label)
        if o.r1_gamma > 0:
            (g,) = torch.autograd.grad(v_real.sum(), real, create_graph=True)
            loss = loss + 0.5 * o.r1_gamma * g.pow(2).sum(dim=1).mean() * self.D.pack
        if obj.gradient_penalty:
            eps = torch.rand(len(real), 1, generator=self.generator, device=real.device)
            mix = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
            # an interpolate is judged under its real end's label
            v_mix = call_net(D_plain, mix, y_real)
            (g,) = torch.autograd.grad(v_mix.sum(), mix, create_graph=True)
            g = g.reshape(len(g) // self.D.pack, -1)
            loss = loss + o.gp_lambda * ((g.norm(dim=1) - 1) ** 2).mean()
        return loss, v_real, v_fake

    def _g_loss(
        self,
        fake: Tensor,
        real: Tensor | None = None,
        D: Callable[..., Tensor] | None = None,
        y_fake: Tensor | None = None,
        y_real: Tensor | None = None,
        features: Callable[..., Tensor] | None = None,
    ) -> Tensor:
        """G's loss against D (or against the given D and its last hidden layer `features`)."""
        D = D or self.D
        if self.objective_cfg.feature_matching:
            # Feature matching: || E f(x) - E f(G(z)) ||^2 on D's last hidden layer
            # (Salimans et al. 2016, Sec. 3.1).
            features = features or self.D.features
            if real is None:
                real, y_real = split_batch(self.sample_real(len(fake)))
            f_real = call_net(features, self._blur(real), y_real).mean(0).detach()
            f_fake = call_net(features, self._blur(fake), y_fake).mean(0)
            return (f_real - f_fake).pow(2).sum()
        return self.objective.g_loss(call_net(D, self._blur(fake), y_fake))

    def _unrolled_g_loss(self, fake: Tensor, y_fake: Tensor | None = None) -> Tensor:
        """G's loss against D after u more D steps taken on a copy (Metz et al. 2016, Eq. 4-7).

        The copy steps with D's own optimiser from its current state (gan_viz.unrolled says why),
        on one minibatch of real samples and G's samples, as the authors' code does. G's
        gradient flows back through the steps (create_graph), so G sees how D would answer its
        move. The real D and its optimiser are untouched.
        """
        D = self.D
        real, y_real = split_batch(self.sample_real(len(fake)))

        def d_loss(params: dict[str, Tensor]) -> Tensor:
            def d_fn(*args):
                return functional_call(D, params, args)

            return self._d_loss(real, fake, D=d_fn, y_real=y_real, y_fake=y_fake)[0]

        clip = self.objective_cfg.clip if self.objective.clip else None
        params = unroll(
            d_loss,
            dict(D.named_parameters()),
            self.opt_d,
            self.objective_cfg.unrolled_steps,
            clip,
        )
        features = None
        if hasattr(D, "x_dim") and hasattr(D, "body"):  # the toy D: its features are its body
            body = {k.removeprefix("body."): v for k, v in params.items() if k.startswith("body.")}

            def features(x: Tensor) -> Tensor:
                return functional_call(D.body, body, (x.reshape(-1, D.x_dim * D.pack),))

        return self._g_loss(
            fake,
            real,
            D=lambda *args: functional_call(D, params, args),
            y_fake=y_fake,
            y_real=y_real,
            features=features,
        )

    # --- steps -----------------------------------------------------------------------------------

    def step_d(self, stats: bool = True) -> None:
        """One gradient step of D on a fresh minibatch of m real and m generated samples."""
        m = self.optim_cfg.batch
        real, y_real = split_batch(self.sample_real(m))
        z, y_fake = split_batch(self.sample_z(m))
        with torch.no_grad():
            fake = call_net(self.G, z, y_fake)
        loss, v_real, v_fake = self._d_loss(real, fake, y_real=y_real, y_fake=y_fake)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        if stats:
            self._d_stats(loss, v_real, v_fake)
        self.opt_d.step()
        if self.objective.clip:
            c = self.objective_cfg.clip
            with torch.no_grad():
                for p in self.D.parameters():
                    p.clamp_(-c, c)
        self.d_updates += 1

    def step_g(self, stats: bool = True) -> None:
        """One gradient step of G on a fresh minibatch of m noise samples; D is held fixed."""
        m = self.optim_cfg.batch
        self.D.requires_grad_(False)
        try:
            z, y_fake = split_batch(self.sample_z(m))
            fake = call_net(self.G_train, z, y_fake)
            if self.objective_cfg.unrolled_steps > 0:
                self.D.requires_grad_(True)
                loss = self._unrolled_g_loss(fake, y_fake)
            else:
                loss = self._g_loss(fake, y_fake=y_fake)
            self.opt_g.zero_grad(set_to_none=True)
            loss.backward()
        finally:
            self.D.requires_grad_(True)
        self.D.zero_grad(set_to_none=True)
        if stats:
            self.stats["loss_g"] = loss.detach()
            self.stats["grad_g"] = grad_norm(self.G.parameters())
        self.opt_g.step()
        self.g_updates += 1

    def step_simultaneous(self, stats: bool = True) -> None:
        """D and G both step from the same point, on the same minibatch (f-GAN's Algorithm 1)."""
        m = self.optim_cfg.batch
        real, y_real = split_batch(self.sample_real(m))
        z, y_fake = split_batch(self.sample_z(m))
        fake = call_net(self.G, z, y_fake)
        loss_d, v_real, v_fake = self._d_loss(
            real, fake.detach(), D=self.D, y_real=y_real, y_fake=y_fake
        )
        d_params, g_params = list(self.D.parameters()), list(self.G.parameters())
        grads_d = torch.autograd.grad(loss_d, d_params)
        loss_g = self._g_loss(fake, real, y_fake=y_fake, y_real=y_real)
        grads_g = torch.autograd.grad(loss_g, g_params)
        for p, g in zip(d_params + g_params, grads_d + grads_g, strict=True):
            p.grad = g
        if stats:
            self._d_stats(loss_d, v_real, v_fake)
            self.stats["loss_g"] = loss_g.detach()
            self.stats["grad_g"] = grad_norm(g_params)
        self.opt_d.step()
        self.opt_g.step()
        if self.objective.clip:
            with torch.no_grad():
                for p in d_params:
                    p.clamp_(-self.objective_cfg.clip, self.objective_cfg.clip)
        self.d_updates += 1
        self.g_updates += 1

    def step(self, stats: bool = True) -> None:
        """One iteration of Algorithm 1: k D steps then the G steps (or one simultaneous step)."""
        o = self.optim_cfg
        if o.simultaneous:
            self.step_simultaneous(stats)
        else:
            for i in range(o.d_steps):
                self.step_d(stats and i == o.d_steps - 1)
            for i in range(o.g_steps):
                self.step_g(stats and i == o.g_steps - 1)
        self.iteration += 1

    def _d_stats(self, loss: Tensor, v_real: Tensor, v_fake: Tensor) -> None:
        prob = self.objective.d_prob
        self.stats["loss_d"] = loss.detach()
        self.stats["d_real"] = prob(v_real.detach()).mean()
        self.stats["d_fake"] = prob(v_fake.detach()).mean()
        self.stats["grad_d"] = grad_norm(self.D.parameters())

    # --- health ----------------------------------------------------------------------------------

    def weight_copies(self) -> dict:
        """Copies of G's and D's state dicts on the CPU, e.g. the last good weights kept at
        every record."""
        return weight_copies(self.G, self.D)

    def check_finite(self) -> None:
        """Raise Diverged naming what went wrong if a loss or weight is NaN or infinite."""
        for key in ("loss_d", "loss_g"):
            value = self.stats.get(key)
            if value is not None and not bool(torch.isfinite(value)):
                raise Diverged(f"{key} became {float(value)}")
        params = [p.detach() for net in (self.D, self.G) for p in net.parameters()]
        # One fused pass and one sync (NaN and inf survive a norm); only a failure, or weights so
        # large their norm overflows, walks the parameters one by one to name the culprit.
        if bool(torch.isfinite(torch.stack(torch._foreach_norm(params))).all()):
            return
        for net_name, net in (("D", self.D), ("G", self.G)):
            for name, p in net.named_parameters():
                if not bool(torch.isfinite(p).all()):
                    raise Diverged(f"a weight of {net_name} ({name}) became NaN or infinite")

    def scalar_stats(self) -> dict[str, float]:
        """The latest step's statistics as Python floats (one device sync)."""
        keys = [
            k
            for k in ("loss_d", "loss_g", "d_real", "d_fake", "grad_d", "grad_g")
            if k in self.stats
        ]
        if not keys:
            return {}
        values = torch.stack([self.stats[k].float().reshape(()) for k in keys]).cpu().tolist()
        return dict(zip(keys, values, strict=True))
