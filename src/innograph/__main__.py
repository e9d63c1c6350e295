import sys

from innograph.cli import main

sys.exit(main())
