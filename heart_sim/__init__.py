"""heart-sim: discrete-event simulation of crisis-response capacity (Durham HEART)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("heart-sim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
