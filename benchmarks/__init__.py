"""Benchmark harness and synthetic scale data (never part of the shipped data or the UI)."""
