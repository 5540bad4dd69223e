"""Unrolled discriminator steps for the generator's loss (Metz, Poole, Pfau, Sohl-Dickstein 2016).

Metz et al. 2016, Sec. 2.2 (Eq. 4-7): G is trained against where D *will be* after K more steps,

    theta_D^0 = theta_D,    theta_D^{k+1} = theta_D^k + eta^k * df(theta_G, theta_D^k)/dtheta_D^k
    f_K(theta_G, theta_D) = f(theta_G, theta_D^K(theta_G, theta_D))
    df_K/dtheta_G = df/dtheta_G + df/dtheta_D^K * dtheta_D^K/dtheta_G

and the second term, how D would answer G's move, is what steers G off a mode D is about to
punish. The paper writes the steps as plain gradient ascent, notes that any differentiable
optimiser can be unrolled, and unrolls Adam in its experiments (so does the authors' demo
notebook, by rewriting Adam's update graph). We do the same: `unroll` steps a functional copy of
D's parameters with D's own optimiser (Adam, SGD with momentum or RMSprop, with its current
learning rate, betas/momentum and state: moments and step count), so its first step is exactly the
step D itself would take on that minibatch. Plain gradient steps with D's learning rate would
move D far less than Adam does (an Adam step is ~lr per weight, a gradient step lr * grad), and the
look-ahead would then see almost nothing.

Every step is differentiable (create_graph), so G's gradient flows back through all K of them.
The real D and its optimiser state are only read, never written. Square roots of second moments
are taken on values clamped at 1e-30: where a weight has never had a gradient (a dead ReLU), the
moment is exactly 0 and d sqrt(v)/dv would turn 0 * inf into NaN; the clamp changes Adam's forward
value there by 1e-15 against its eps of 1e-8.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

Tensor = torch.Tensor
Params = dict[str, Tensor]
_TINY = 1e-30  # floor under second moments before sqrt (see the module docstring)


def _state_of(opt: torch.optim.Optimizer, p: Tensor) -> dict:
    return opt.state.get(p, {})


def unroll(
    loss_fn: Callable[[Params], Tensor],
    params: Params,
    opt: torch.optim.Optimizer,
    steps: int,
    clip: float | None = None,
) -> Params:
    """theta_D^K: `steps` differentiable steps of `opt`'s rule on loss_fn, from `params`.

    params: D's named parameters (the very tensors `opt` holds, so their state can be looked up);
    loss_fn(params) is D's loss with those parameters. clip: WGAN's weight clipping bound, applied
    after each step as D's own step does. Returns new tensors; nothing is modified in place.
    """
    if len(opt.param_groups) != 1:
        raise ValueError("unrolling expects an optimiser with a single parameter group")
    group = opt.param_groups[0]
    if group.get("weight_decay", 0) or group.get("nesterov") or group.get("centered"):
        raise ValueError("unrolling supports the optimisers gan_viz builds: no weight decay")
    names = list(params)
    originals = [params[n] for n in names]
    lr = float(group["lr"])

    if isinstance(opt, torch.optim.Adam):
        b1, b2 = group["betas"]
        eps = group["eps"]
        state = [_state_of(opt, p) for p in originals]
        t0 = [int(s["step"]) if "step" in s else 0 for s in state]
        m = [s.get("exp_avg", torch.zeros_like(p)) for s, p in zip(state, originals)]
        v = [s.get("exp_avg_sq", torch.zeros_like(p)) for s, p in zip(state, originals)]
    elif isinstance(opt, torch.optim.SGD):
        mu = group["momentum"]
        buf = [_state_of(opt, p).get("momentum_buffer") for p in originals]
    elif isinstance(opt, torch.optim.RMSprop):
        alpha, eps, mu = group["alpha"], group["eps"], group["momentum"]
        state = [_state_of(opt, p) for p in originals]
        sq = [s.get("square_avg", torch.zeros_like(p)) for s, p in zip(state, originals)]
        buf = [s.get("momentum_buffer", torch.zeros_like(p)) for s, p in zip(state, originals)]
    else:
        raise ValueError(f"cannot unroll {type(opt).__name__}; use Adam, SGD or RMSprop")

    current = list(originals)
    for k in range(steps):
        loss = loss_fn(dict(zip(names, current)))
        grads = torch.autograd.grad(loss, current, create_graph=True)
        new = []
        for i, (p, g) in enumerate(zip(current, grads)):
            if isinstance(opt, torch.optim.Adam):
                # torch.optim.Adam (Kingma & Ba 2015, Algorithm 1), as torch computes it
                t = t0[i] + k + 1
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                denom = v[i].clamp_min(_TINY).sqrt() / math.sqrt(1 - b2**t) + eps
                p = p - (lr / (1 - b1**t)) * m[i] / denom
            elif isinstance(opt, torch.optim.SGD):
                # heavy ball, dampening 0: buf = mu * buf + g (buf = g on the very first step)
                if mu:
                    buf[i] = g if buf[i] is None else mu * buf[i] + g
                    g = buf[i]
                p = p - lr * g
            else:
                # torch.optim.RMSprop (Tieleman & Hinton 2012), not centred
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g
                step = g / (sq[i].clamp_min(_TINY).sqrt() + eps)
                if mu:
                    buf[i] = mu * buf[i] + step
                    step = buf[i]
                p = p - lr * step
            if clip is not None:
                p = p.clamp(-clip, clip)
            new.append(p)
        current = new
    return dict(zip(names, current))
