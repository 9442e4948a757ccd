"""Reports, demand forecast and counter staffing for the center manager (the console's analytics core).

Reads the hub's database on its own read-only connection (never the hub's writer); pure computations sit
apart from I/O so that they test without HTTP.
"""
