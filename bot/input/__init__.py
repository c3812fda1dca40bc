"""What people send besides words: button data, replies to the bot's prompts, files."""
