"""The theory lab's experiments: each module checks one claim of the papers with a measurement.

- `optimal_d`: D trained against a frozen G reaches D* (Goodfellow et al. 2014, Prop. 1, Thm. 1)
- `divergences`: f-divergences between 1-D Gaussian mixtures by quadrature, and their minimisers
- `fgan`: the variational bound of f-GAN and the Gaussian fit per f (Nowozin et al. 2016)
- `dirac`: the Dirac-GAN dynamics (Mescheder, Geiger, Nowozin 2018)
- `mle`: maximum likelihood by EM against a GAN, KL both ways and JS
- `report`: all four headless, with the issue's targets as checks (`gan-viz theory`)
"""
