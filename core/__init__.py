"""The project's core: errors, typed frames and domain types, geometry, the clock.

Imports nothing of the project; every other package builds on it.
"""
