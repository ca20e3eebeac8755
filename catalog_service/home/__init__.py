"""The start page: each person's own tasks and what waits for them, whatever their role."""
