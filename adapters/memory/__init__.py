"""In-process adapters: the embedded default and the fakes unit tests use."""
