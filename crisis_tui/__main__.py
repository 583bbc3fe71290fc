from crisis_tui.cli import main

raise SystemExit(main())
