"""The vendor side: an SDK and a reference vendor app. Talks HTTP only; never imports pds."""
