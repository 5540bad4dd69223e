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


_DCGAN = ImageRunConfig(
    model=ModelConfig("dcgan", width=32),
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
            "Mode collapse on digits: G 10x faster than D",
            "G outruns D and hops between a few digits that currently fool it: the class "
            "histogram piles onto a few bars, digits covered drops and the class KL climbs "
            "towards ln 10, while single digits may still look sharp.",
            _DCGAN.replace(optim=OptimConfig(lr_d=1e-4, lr_g=1e-3, beta1=0.5, batch=64)),
            3000,
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
