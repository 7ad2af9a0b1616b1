"""The university's learning platform: rosters in, grade files out."""
