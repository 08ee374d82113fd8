"""Secrets Trellis keeps: the operating system's keychain and the secret that signs links.
"""
