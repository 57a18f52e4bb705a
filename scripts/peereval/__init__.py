"""peereval: the Quanzhou legal aid case quality evaluation, run as a Git repository."""

__version__ = "0.1.0"
