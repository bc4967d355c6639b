import sys

from glasses.cli import main

sys.exit(main())
