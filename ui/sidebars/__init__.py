"""Each page's sidebar: its widgets, drawn from and read back as the page's view."""
