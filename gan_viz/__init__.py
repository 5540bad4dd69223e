"""gan-viz: see how GANs learn."""
