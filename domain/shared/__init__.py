"""The shared kernel: errors, money, text and slug rules used by every context."""
