"""The MNIST page: the same game on 28 x 28 digits, live."""
