"""Named image runs for the MNIST page and `gan-viz train-images --preset NAME`."""

from __future__ import annotations

from dataclasses import dataclass

from gan_viz.config import ObjectiveConfig, OptimConfig
from gan_viz.images.config import ImageCadenceConfig, ImageRunConfig, ModelConfig


@dataclass(frozen=True)
class ImagePreset:
    name: str
    title: str  # one line for pickers and lists
    caption: str  # two sentences: what to watch for
    config: ImageRunConfig
    steps: int  # iterations the lesson needs (the CLI's default --steps with this preset)


# DCGAN's nets; G learns 5x faster than D. On our CPU (seed 0, width 32, the nets before their
# extra 3 x 3 layers) this reached a Frechet distance of 133 by step 1,500 where DCGAN's 2e-4 for
# both read 244; all ten digits covered either way.
_DCGAN = ImageRunConfig(
    model=ModelConfig("dcgan", width=32),
    optim=OptimConfig(lr_d=2e-4, lr_g=1e-3, beta1=0.5, batch=64),
    cadence=ImageCadenceConfig(eval_every=100),
)

IMAGE_PRESETS: dict[str, ImagePreset] = {
    p.name: p
    for p in [
        ImagePreset(
            "mnist-dcgan",
            "A healthy DCGAN on MNIST digits",
            "Blobs become strokes and strokes become digits on the fixed grid; the class "
            "histogram spreads over all ten digits and the Frechet distance falls towards the "
            "real-vs-real floor.",
            _DCGAN,
            3000,
        ),
        ImagePreset(
            "mnist-paper",
            "The paper's MLP GAN (Goodfellow et al. 2014): 1200-1200 G, maxout D",
            "The original fully connected networks with dropout in D. Digits appear more slowly "
            "and noisier than with the convolutional nets: the architecture matters as much as "
            "the game.",
            ImageRunConfig(model=ModelConfig("mlp"), cadence=ImageCadenceConfig(eval_every=100)),
            3000,
        ),
        ImagePreset(
            "mnist-collapse",
            "Mode collapse on digits: learning rates 10x too high, Adam's beta1 back at 0.9",
            "Within a few hundred steps G piles almost every digit onto one class: the class "
            "histogram over time turns into one bright row, digits covered falls to 1 and the "
            "class KL sits at ln 10. G then hops between a few digits; any recovery takes "
            "thousands of steps and stays blurrier than the healthy run.",
            # seeds 0 and 1: one digit at step 500 (class KL 2.30), 1-6 digits at step 1,000
            _DCGAN.replace(optim=OptimConfig(lr_d=2e-3, lr_g=2e-3, beta1=0.9, batch=64)),
            1500,
        ),
        ImagePreset(
            "mnist-pick-a-digit",
            "Conditional GAN: ask for a digit",
            "G and D are both told which digit is wanted (Mirza & Osindero 2014). Each grid "
            "cell asks for cell mod 10; 'label accuracy' says how often the classifier agrees "
            "with the digit asked for.",
            _DCGAN.replace(model={"conditional": True}),
            3000,
        ),
        ImagePreset(
            "mnist-wgan-gp",
            "Wasserstein GAN with gradient penalty on digits",
            "The critic's output is a score, not a probability, so watch the losses and the "
            "Frechet distance rather than D(real) and D(fake).",
            _DCGAN.replace(
                objective=ObjectiveConfig("wgan_gp"),
                optim=OptimConfig(lr_d=1e-4, lr_g=1e-4, beta1=0.0, beta2=0.9, d_steps=5),
            ),
            3000,
        ),
    ]
}
