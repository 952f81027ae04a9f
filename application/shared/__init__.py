"""What every context's use cases share: the UoW port, driven ports and list queries."""
