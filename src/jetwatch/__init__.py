"""jetwatch: public ADS-B / Mode S broadcasts into checkable, re-runnable evidence.

Data flows one way: sources -> decode -> store -> (flights -> analytics -> reports/web).
"""

__version__ = "0.1.0"
