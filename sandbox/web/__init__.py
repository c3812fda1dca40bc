"""The sandbox's web chat: every person's chats with the bot in one browser page.

``complaint-desk sandbox`` serves it at ``<emulator URL>/chat/``; routes.py holds the HTTP
side, views.py what the page is told, clock.py the control that moves sandbox time, and
static/ the page itself (plain HTML, CSS and JavaScript, no build step).
"""

from sandbox.web.routes import setup

__all__ = ["setup"]
