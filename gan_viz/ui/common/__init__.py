"""What every page shares: errors shown as messages, tooltips, the projector switch, widget
helpers, the optimisation widgets, and the live chart component."""
