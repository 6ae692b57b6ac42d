"""Use cases: one module per operation family, depending on domain ports only."""
