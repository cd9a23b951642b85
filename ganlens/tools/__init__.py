"""Developer tools shipped with ganlens (notebook hygiene)."""
