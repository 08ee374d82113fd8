"""Saved segments: named, reusable conditions kept in the database (docs/segments.md).

- `store`: save, read, delete segments (a cycle between segments is refused);
- `file_format`: the `.segment.json` file;
- `refresh`: membership kept current, `segment_entered` / `segment_exited` events, the
  size per day;
- `starter`: the starter segments;
- `queries`: what the GUI and the contacts workspace ask (counts, members, suggestions,
  journeys that use a segment).

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, db, nodes, journey, conditions); never
messaging and the runtime (which use it).
"""
