"""Thin adapters from the core to MkDocs (and ProperDocs): the only code importing mkdocs."""
