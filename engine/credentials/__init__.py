"""Secrets Trellis keeps: the operating system's keychain (`keychain`, with `NoKeychain`)
and the secret that signs links (`link_secret`).

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, db); never messaging, delivery,
mailbox, http (which use it).
"""
