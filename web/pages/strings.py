"""Where the pages' words used to live: they are in the one message catalog now (catalog/messages.yaml,
advisor.messages). Kept so that modules still importing `translator` from here keep working while other
branches merge; import it from advisor.messages."""

from advisor.messages import translator

__all__ = ["translator"]
