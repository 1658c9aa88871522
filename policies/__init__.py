"""The owner's policies as data: the scope catalogue and personal terms (see DESIGN.md)."""
