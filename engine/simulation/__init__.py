"""Running journeys without sending: `simulate` (scripted contacts on a virtual clock) and
the walk-through of one contact. The words of their timelines are engine/journey/step_words.py.

May import: everything below it (the runtime included); only engine.demo sits above.
"""
