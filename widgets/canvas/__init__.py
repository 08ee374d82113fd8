"""The journey canvas: a node-graph editor for journeys.

`JourneyScene` (items kept in step with the journey), `JourneyView` (zoom, pan, drops),
`JourneyEditor` (palette | canvas | inspector, ready to put in a page). The edit path is
DESIGN §6: gestures emit `*_requested` intents, the document pushes undo commands, the
journey's events come back through the bridge, and the scene updates its items.
"""
