from jinxiu.engines.chain.cli import main

raise SystemExit(main())
