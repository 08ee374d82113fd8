"""Running journeys without sending: `simulate` (scripted contacts on a virtual clock), the
walk-through of one contact, and the plain words of their timelines.
"""
