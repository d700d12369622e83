"""The sandbox payment provider shipped with Permitsuite (``python -m sandboxpay``).

A stand-in for a real processor, run as its own process by ``make run`` and
by the tests: a hosted payment page (approve / decline / cancel, card or
e-check), an API for payments (create checkout, status, expire, refund) and
signed webhooks delivered until acknowledged — optionally several times and
out of order, as real providers do. It keeps its state in its own database.
"""
