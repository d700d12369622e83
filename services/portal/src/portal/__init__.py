"""Permitsuite's web portal: every seed flow in a browser, a client of the gateway."""
