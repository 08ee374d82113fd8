"""The demo shop: fictional customers, their three months of history, and the loader.
"""
