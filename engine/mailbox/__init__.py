"""Reading the sender's mailbox: unsubscribe mails, bounce reports, spam complaints.

settings.py (IMAP server, password in the keychain), classify.py (what one mail is),
reader.py (one pass over the mailbox: classify, record the event once, move the mail),
service.py (a background thread: IMAP IDLE where the server has it, else polling).

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, clock, db, credentials, settings,
messaging, contacts, intake); never delivery and the runtime (which use it).
"""
