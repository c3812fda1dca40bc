"""`python -m sandbox.emulator --port 8081` runs the emulator until interrupted."""

from .server import main

main()
