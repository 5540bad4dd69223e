"""The theory lab's panels: one module per panel, each a `render()` the page calls."""
