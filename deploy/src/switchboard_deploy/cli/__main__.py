"""`python -m switchboard_deploy.cli`, the same as the `switchboard` command."""

import sys

from switchboard_deploy.cli.app import main

sys.exit(main())
