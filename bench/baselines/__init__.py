"""Servers the app is measured against: the practical limit and the tutorials' direct way.

Both serve the benchmarked endpoints with the app's JSON; neither is part of the application.
"""
