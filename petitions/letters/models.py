"""Letter-writing actions and the letters and solidarity messages they collect."""
