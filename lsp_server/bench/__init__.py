"""``ghostwise bench``: mine completion tasks from real code and measure suggestions, base vs guided."""
