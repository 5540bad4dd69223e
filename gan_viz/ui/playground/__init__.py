"""The playground page: watch a 1-D or 2-D GAN learn, live."""
