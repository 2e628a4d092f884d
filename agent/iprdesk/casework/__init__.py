"""A complaint from receipt to appeal: cases, deadlines, drafted letters, the preflight."""
