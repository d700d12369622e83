"""The hosted payment page (what the payer's browser shows)."""

from __future__ import annotations

from jinja2 import Environment, select_autoescape

PAGE = Environment(autoescape=select_autoescape(default=True)).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox payment</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto}
button{margin:.3rem;padding:.5rem 1rem}</style></head>
<body>
<h1>Sandbox payment</h1>
<p><em>Test mode: no real money moves.</em></p>
<p>{{ c.description }}</p>
<p><strong>{{ amount }}</strong></p>
{% if c.status == "open" %}
<form method="post" action="/pay/{{ c._id }}">
  <p>Pay by {{ "electronic check" if c.method == "echeck" else "card" }}
  (chosen at checkout; its convenience fee is included).</p>
  <p>
  <button name="action" value="approve">Approve</button>
  <button name="action" value="decline">Decline</button>
  <button name="action" value="cancel">Cancel</button>
  </p>
</form>
{% else %}
<p>This checkout is {{ c.status }}.</p>
{% endif %}
</body></html>"""
)
