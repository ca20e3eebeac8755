"""Files out: feed writers, reports and labels. Knows nothing of Flask or the database."""
