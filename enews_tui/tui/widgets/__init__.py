"""The app's widgets: the story list, the reader and the contact panel."""
