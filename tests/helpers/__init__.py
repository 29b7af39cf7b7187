"""Helpers shared by the test folders: `cli` (running `frontdesk` in the test's process) and
`snapshots` (letting a screen settle before its SVG is taken)."""
