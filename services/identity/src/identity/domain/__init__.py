"""Identity domain: pure rules, no I/O."""
