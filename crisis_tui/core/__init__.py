"""The core: plain Python services over the database. Never imports textual nor crisis_tui.ui."""
