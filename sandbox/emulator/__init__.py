"""A local stand-in for the Telegram Bot API server (see server.py for routes and usage).

    from sandbox.emulator import start_emulator
    emulator = await start_emulator(token="123456:TEST")
"""

from .limits import FakeClock
from .media import tiny_png
from .model import EmulatorError
from .server import Emulator, create_app, start_emulator
from .state import EmulatorState

__all__ = ["Emulator", "EmulatorError", "EmulatorState", "FakeClock", "create_app", "start_emulator", "tiny_png"]
