"""Generated exercises: families, answer parsing and checking, diagnosis, worked solutions."""
