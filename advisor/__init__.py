"""青羊惠企政策顾问: the rule base engine and domain (no web imports).

Data flows one way: profile -> facts -> engine -> findings -> presentation.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
