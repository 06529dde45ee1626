"""Waves and picking: released orders grouped into waves, walked in batches of pick tasks."""
