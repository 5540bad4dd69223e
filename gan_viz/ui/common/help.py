"""Tooltips: what each control does, with its formula and source, in one place.

Sources: Goodfellow et al. 2014 (GAN), Nowozin et al. 2016 (f-GAN), Arjovsky et al. 2017
(WGAN), Gulrajani et al. 2017 (WGAN-GP), Mao et al. 2017 (LSGAN), Salimans et al. 2016
(improved techniques), Mescheder et al. 2018 (R1), Metz et al. 2016 (unrolled GAN), Lin et al.
2018 (PacGAN), Karras et al. 2018 (minibatch std), Srivastava et al. 2017 (VEEGAN).
"""

from __future__ import annotations

SETTINGS: dict[str, str] = {
    # Data
    "dim": "Train on a 1-D target (drawn as in Fig. 1 of Goodfellow et al. 2014) or a 2-D one "
    "(drawn as a heat map of D with the samples on top).",
    "target": "p_data, the distribution G must learn to imitate. Mixtures of Gaussians have "
    "exact densities; 'points' is your own CSV, its density a Gaussian kernel estimate.",
    "upload": "A CSV with one column (1-D) or two columns (2-D) of numbers, an optional header "
    "row, 2 to 200,000 rows (20 MB at most), every value within ±1,000,000. p_data becomes "
    "a Gaussian kernel density estimate of the points "
    "(Scott's rule bandwidth).",
    # Noise
    "prior": "p_z, the noise G transforms: uniform U(-1, 1)^d (as in Fig. 1 of the paper) or "
    "normal N(0, I). G's output law is p_g(x) = p_z(G⁻¹(x)) |dG⁻¹/dx| (change of variables).",
    "z_dim": "Dimension d of z. With d = 1 (1-D data) the z → x arrows are drawn; with d ≤ 2 "
    "(2-D data) the warped z-grid is drawn.",
    # Networks
    "g_hidden": "Width of each hidden layer of G(z; θ_g), an MLP.",
    "g_depth": "Number of hidden layers of G (0 = an affine map z ↦ Wz + b).",
    "d_hidden": "Width of each hidden layer of D(x; θ_d), an MLP ending in one logit v; "
    "D(x) = σ(v).",
    "d_depth": "Number of hidden layers of D. A stronger D (wider, deeper) finds differences "
    "between p_g and p_data sooner.",
    "activation": "Nonlinearity after each hidden layer: relu max(0, a), leaky_relu "
    "max(0.2a, a), tanh, elu, gelu.",
    "pack": "PacGAN degree m (Lin et al. 2018): D judges m samples at once, so a G that "
    "makes the same sample again and again is easy to catch. 1 = off.",
    "minibatch_std": "Append the minibatch standard deviation of D's last features (Karras "
    "et al. 2018): D can see how varied a batch is and punish a collapsed G.",
    # Objective
    "objective": "The game G and D play. minimax: min_G max_D V(G, D), "
    "V = E log D(x) + E log(1 − D(G(z))) (Goodfellow et al. 2014, Eq. 1). nonsaturating: "
    "G maximises log D(G(z)) instead (same fixed point, strong early gradients). f-GAN "
    "(Nowozin et al. 2016): D estimates the bound D_f(P‖Q) ≥ sup_T E_P[T] − E_Q[f*(T)] for "
    "the chosen f. wgan / wgan_gp: Wasserstein critic (Arjovsky et al. 2017; Gulrajani et al. "
    "2017). lsgan: least squares (Mao et al. 2017). hinge: max(0, 1 ∓ v).",
    "label_smoothing": "One-sided label smoothing (Salimans et al. 2016): D's target for real "
    "samples is this value instead of 1, e.g. 0.9; D* becomes 0.9 p_data / (p_data + p_g). "
    "Only for objectives with labels (minimax, nonsaturating, lsgan).",
    "instance_noise": "Std σ of Gaussian noise added to every input of D, real and fake: D "
    "compares p_data * N(0, σ²) with p_g * N(0, σ²), whose supports always overlap.",
    "instance_noise_anneal": "Iterations over which that σ falls linearly to 0 (0 = keep σ).",
    "r1_gamma": "R1 penalty (Mescheder et al. 2018): D's loss + γ/2 · E_p_data ‖∇ₓ v(x)‖². "
    "Keeps D flat on the data; 0 = off.",
    "gp_lambda": "WGAN-GP (Gulrajani et al. 2017): critic loss + λ E (‖∇ₓ f(x̂)‖ − 1)² at "
    "points x̂ between real and fake samples.",
    "clip": "WGAN weight clipping (Arjovsky et al. 2017): after each critic step every weight "
    "is clamped to [−c, c], a crude way to keep the critic Lipschitz.",
    "feature_matching": "Feature matching (Salimans et al. 2016, Sec. 3.1): G minimises "
    "‖E f(x) − E f(G(z))‖² over D's last hidden layer f instead of fooling D directly.",
    "unrolled_steps": "Unrolled GAN (Metz et al. 2016): G's loss is taken against D after u "
    "more D steps, differentiated through them, so G sees how D would answer. 0 = off.",
    # Optimisation
    "optimizer": "Update rule for both players: adam (Kingma & Ba 2015), sgd with momentum "
    "(as in the paper), rmsprop.",
    "lr_d": "Learning rate η_D of D: θ_d ← θ_d − η_D · step. Changes apply from the next "
    "iteration, the run goes on.",
    "lr_g": "Learning rate η_G of G: θ_g ← θ_g − η_G · step. Different rates for D and G are "
    "one of the paper's tips; far out of balance, the game oscillates.",
    "beta1": "Adam β₁, the decay of the gradient's running mean; 0.5 as in DCGAN (the "
    "default 0.9 oscillates more in GANs).",
    "beta2": "Adam β₂, the decay of the squared gradient's running mean.",
    "momentum": "Momentum μ of SGD / RMSProp: v ← μ v + g, θ ← θ − η v.",
    "batch": "Minibatch size m: each D step uses m real and m generated samples, each G step "
    "m noise samples (Algorithm 1).",
    "d_steps": "k, D steps per iteration (Algorithm 1: k steps of D, then one of G). Large k "
    "keeps D near its optimum D*(x) = p_data / (p_data + p_g).",
    "g_steps": "G steps per iteration, after the k D steps.",
    "simultaneous": "One simultaneous gradient step for D and G from the same point instead of "
    "k D steps then G (the single-step method of Nowozin et al. 2016, Algorithm 1).",
    # Seed and view
    "seed": "Seeds the weights, the noise and the data samples: the same seed and settings give "
    "the same run on the same device.",
    "speed": "Iterations of Algorithm 1 per drawn frame. 'max' trains as fast as the machine "
    "allows and draws several frames a second; small numbers slow the game down to watch it.",
    "projector": "Larger type and thicker lines for a projector. Colours never change: black = "
    "real data, green = generated, blue = D, grey = D*.",
    "heat": "The 2-D background: the learned D(x), or the optimal D*(x) = p_data / (p_data + "
    "p_g) for the current G (Goodfellow et al. 2014, Prop. 1), both at resolution h.",
    "log_steps": "Show the iteration axis on a log scale: the early game, where most happens, "
    "gets room.",
    "bits": "Divergences in bits (divided by ln 2) instead of nats. V(G, D) stays in nats, as in "
    "the paper (−log 4 ≈ −1.386 nats).",
    "timeline": "Scrub back through the recorded snapshots (or ← and →, one at a time); every "
    "view follows.",
}

METRICS = """
**How the curves are measured** (all divergences in nats unless bits are chosen):

- **p_g** is known only through samples of G: 10,000 of them are binned on the plot's grid and
  smoothed by a Gaussian of width h (2 cells in 1-D, 1.5 cells in 2-D); **p_data**'s exact cell
  masses get the same smoothing. The divergences compare these two, so they are *the divergences
  at resolution h*: samples of p_data itself read ≈ 0 (below 0.005 nats), not 0.1–0.4 bits as a
  raw grid estimate would. With a 1-D z, p_g comes from G applied to the quantiles of p_z (the
  change of variables), free of sampling noise.
- **JSD(p_data ‖ p_g)** = ½ KL(p_data ‖ m) + ½ KL(p_g ‖ m), m = (p_data + p_g)/2; 0 ≤ JSD ≤ log 2
  (Goodfellow et al. 2014, Thm. 1).
- **KL(p_data ‖ p_g)** (what maximum likelihood minimises: it punishes missed data) and
  **KL(p_g ‖ p_data)** (punishes samples where there are no data); a cell's mass is floored at
  1e-12, so a missed mode reads large but finite.
- **V(G, D)** = E log D(x) + E log(1 − D(G(z))) on 10,000 real and generated samples (Eq. 1);
  **C(G)** = max_D V = −log 4 + 2 JSD (Thm. 1): V reaches C(G) when D is optimal, and both reach
  −log 4 at equilibrium. V is not defined for critics (WGAN, hinge) whose output is no
  probability.
- **Mean D(real), D(fake)**: D on those samples; at p_g = p_data, D* = ½ everywhere.
- **Losses** and **gradient norms** ‖∇θ‖ of the last minibatch step; a falling ‖∇G‖ while JSD
  stays high is the saturation of log(1 − D(G(z))) (Sec. 3 of the paper).
- **Modes captured / high-quality share** (mixture targets; VEEGAN, Srivastava et al. 2017;
  PacGAN, Lin et al. 2018): on 2,500 generated samples, a sample is high quality within 3 std of
  its nearest mode, and a mode is captured when at least one high-quality sample is nearest to it.
"""


def tip(name: str) -> str:
    return SETTINGS[name]
