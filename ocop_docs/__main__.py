import sys

from ocop_docs.cli import main

sys.exit(main())
