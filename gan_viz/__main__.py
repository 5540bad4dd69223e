import sys

from gan_viz.cli import main

sys.exit(main())
