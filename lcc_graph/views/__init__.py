"""Graph views: library functions that read the public store and return plain data."""
