from .export import main

raise SystemExit(main())
