"""The process: settings, the dispatcher and its middlewares, conversation storage, polling
and webhook modes, start-up and shutdown (the composition root)."""
