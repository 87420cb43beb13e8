"""The rule base as package data: this folder ships as advisor.data.rules."""
