"""Pieces of the IT restart board: status vocabulary, the list file, the restart order.

The services (load, set status, order, progress, readiness, snapshot) are in `crisis_tui.core.it_restart`.
"""
