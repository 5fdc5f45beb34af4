"""The package version, on its own so that any module may import it without importing the package
root (kg/__init__.py imports kg.query and kg.build). Imports nothing."""
__version__ = "0.1.0"
