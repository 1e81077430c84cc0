from heypeter_tui.cli import main

raise SystemExit(main())
