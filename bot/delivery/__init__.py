"""What goes out after a commit: the outbox sender with its pacing, cards edited in place,
reports, and the job runner (deadlines, surveys, digests, intake reminders)."""
