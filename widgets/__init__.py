"""Qt views of Trellis: they read engine types and specs, never write the database."""
