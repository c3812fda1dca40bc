"""Use cases: the only way to change a case. Each runs in one transaction."""
