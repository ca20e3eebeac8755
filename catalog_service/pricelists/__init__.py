"""Price-list imports: drafts with a verdict for every row."""
