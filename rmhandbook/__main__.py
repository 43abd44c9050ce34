import sys

from rmhandbook.cli import main

sys.exit(main())
