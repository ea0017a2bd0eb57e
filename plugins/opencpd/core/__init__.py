"""The core: load, validate, catalogue and render content. Imports no `mkdocs` module."""
