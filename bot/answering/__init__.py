"""Answering residents: crisis detection, normalising, matching, rendering and evaluation.

Nothing here imports python-telegram-bot, so ``csp-bot ask`` stays fast and offline.
"""
