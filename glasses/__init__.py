"""The ``glasses`` command line and the end-to-end demo."""
