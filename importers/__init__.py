"""Excel in: reading supplier workbooks into clean rows. Knows nothing of Flask or the database."""
