"""How good and how varied are the generated digits? Measured by the digit classifier.

Per evaluation, on n generated digits (n = cadence.eval_samples):

- class histogram: how many digits the classifier assigns to each class (its argmax).
- class KL = KL(histogram || uniform) = sum_c p_c log(10 p_c), in nats: 0 when every digit is
  made equally often, ln 10 ~ 2.303 when G makes one digit only (collapse onto one mode).
- confidence: the classifier's mean max-softmax probability; a digit is *recognised* when that
  probability exceeds CONFIDENT = 0.9.
- digits covered (of 10): classes that get at least COVER_SHARE = 1% of the n digits as
  recognised ones. A uniform generator gives each class ~10%; the 1% floor stops a handful of
  stray look-alikes from counting as a mode captured (cf. VEEGAN's high-quality samples).
- Frechet distance (squared, as FID; Heusel et al. 2017) between Gaussians fitted to the
  classifier's 64 penultimate features of the generated digits and of the held-out real digits:
  d^2 = |mu_g - mu_r|^2 + Tr(S_g + S_r - 2 (S_g S_r)^(1/2)) (Dowson & Landau 1982).
  The floor is the same distance between n *training* digits and the held-out ones: what a
  generator that reproduced p_data exactly would read with this many samples.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from scipy import linalg

from gan_viz.images.classifier import DigitClassifier
from gan_viz.images.data import DigitData
from gan_viz.images.pixels import N_CLASSES, SIDE, to_model

CONFIDENT = 0.9  # a digit is recognised when the classifier is at least this sure
COVER_SHARE = 0.01  # a class is covered when this share of the digits are recognised as it
FLOOR_SEED = 7  # which training digits make the real-vs-real floor (fixed: same floor every run)


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (d,) and covariance (d, d) of features (n, d), in float64."""
    f = np.asarray(features, np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False)


def frechet_distance(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray, cov2: np.ndarray) -> float:
    """Squared Frechet (2-Wasserstein) distance between N(mu1, cov1) and N(mu2, cov2).

    d^2 = |mu1 - mu2|^2 + Tr(cov1 + cov2 - 2 (cov1 cov2)^(1/2)) (Dowson & Landau 1982).
    FID codes take scipy.linalg.sqrtm of the non-symmetric cov1 cov2, which fails when a
    collapsed G's features span few directions. We use Tr (cov1 cov2)^(1/2) =
    Tr (R cov2 R)^(1/2) with R = cov1^(1/2): both roots are of symmetric positive semi-definite
    matrices, so eigh gives them exactly, singular or not.
    """
    diff = mu1 - mu2
    w, v = linalg.eigh(cov1)
    root1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    inner = linalg.eigvalsh(root1 @ cov2 @ root1)
    trace_root = np.sqrt(np.clip(inner, 0, None)).sum()
    value = diff @ diff + np.trace(cov1) + np.trace(cov2) - 2 * trace_root
    return float(max(value, 0.0))


@dataclass
class ClassMetrics:
    counts: np.ndarray  # (10,) digits assigned to each class (argmax)
    recognised: np.ndarray  # (10,) of those, the ones with confidence > CONFIDENT
    covered: int  # classes with >= COVER_SHARE of all digits recognised as them
    class_kl: float  # KL(counts / n || uniform), nats, 0 .. ln 10
    confidence: float  # mean max-softmax probability


def class_metrics(probs: np.ndarray) -> ClassMetrics:
    """The class-based metrics of n digits from their class probabilities (n, 10)."""
    probs = np.asarray(probs, np.float64)
    n = len(probs)
    label, conf = probs.argmax(axis=1), probs.max(axis=1)
    counts = np.bincount(label, minlength=N_CLASSES)
    recognised = np.bincount(label[conf > CONFIDENT], minlength=N_CLASSES)
    p = counts / n
    nz = p > 0
    return ClassMetrics(
        counts=counts,
        recognised=recognised,
        covered=int((recognised >= max(1.0, COVER_SHARE * n)).sum()),
        class_kl=float(np.sum(p[nz] * np.log(N_CLASSES * p[nz]))),
        confidence=float(conf.mean()),
    )


@dataclass
class DigitMeasurement:
    metrics: ClassMetrics
    fd: float  # Frechet distance to the held-out digits
    probs: np.ndarray  # (n, 10) class probabilities of each generated digit


class DigitMeter:
    """Judges generated digits against the held-out real ones, with a fixed classifier."""

    def __init__(
        self,
        classifier: DigitClassifier,
        data: DigitData,
        n: int,
        device: torch.device | str = "cpu",
    ):
        self.device, self.n = torch.device(device), n
        # A copy (the caller's classifier may serve runs on other devices), its convolutions in
        # channels-last layout: on a CPU its max-pooling and convolutions then run about twice
        # as fast (an evaluation classifies a thousand digits), with the same numbers.
        classifier = copy.deepcopy(classifier).to(self.device)
        self.classifier = classifier.to(memory_format=torch.channels_last).eval()
        self.real_mu, self.real_cov = gaussian_stats(self.features(to_model(data.test_x)))
        pick = np.random.default_rng(FLOOR_SEED).choice(len(data.train_x), n, replace=False)
        floor_mu, floor_cov = gaussian_stats(self.features(to_model(data.train_x[pick])))
        self.fd_floor = frechet_distance(floor_mu, floor_cov, self.real_mu, self.real_cov)

    @torch.no_grad()
    def _run(self, x: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        feats, probs = [], []
        for i in range(0, len(x), 1000):
            batch = x[i : i + 1000].to(self.device).float().reshape(-1, 1, SIDE, SIDE)
            f = self.classifier.features(batch.contiguous(memory_format=torch.channels_last))
            feats.append(f.cpu())
            probs.append(torch.softmax(self.classifier.head(f), dim=1).cpu())
        return torch.cat(feats).double().numpy(), torch.cat(probs).double().numpy()

    def features(self, x: torch.Tensor) -> np.ndarray:
        """Penultimate classifier features (n, 64) of digits in model space."""
        return self._run(x)[0]

    def classify(self, x: torch.Tensor) -> np.ndarray:
        """Class probabilities (n, 10) of digits in model space."""
        return self._run(x)[1]

    def measure(self, fake: torch.Tensor) -> DigitMeasurement:
        """Class metrics and the Frechet distance of generated digits (n, 784) in [-1, 1]."""
        feats, probs = self._run(fake)
        mu, cov = gaussian_stats(feats)
        fd = frechet_distance(mu, cov, self.real_mu, self.real_cov)
        return DigitMeasurement(class_metrics(probs), fd, probs)
