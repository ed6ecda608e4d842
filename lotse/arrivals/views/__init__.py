"""The pages of the arrival journey, one module per topic."""
