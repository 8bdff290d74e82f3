"""Residents' consultations: short anonymous questions sent to subscribers (issue 14).

* :mod:`bot.consult.core`: the spec a coordinator writes, storing answers without who gave
  them, one answer per chat by a keyed hash, opening and closing.
* :mod:`bot.consult.results`: counts and shares, wards with too few answers folded into
  "other areas", charts, and the text / Markdown / HTML / CSV reports.
* :mod:`bot.consult.unanswered`: the anonymised unanswered questions grouped by the plan
  priority they are closest to.

Nothing here imports Telegram; ``handlers/consult.py`` is the thin Telegram side.
"""
