"""The catalog as package data: this folder ships as advisor.data.catalog."""
