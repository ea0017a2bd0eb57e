"""OpenCPD: languages-teaching CPD compiled into an open website and session packs."""

__version__ = "0.1.0"
