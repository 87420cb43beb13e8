"""What every request goes through: the request layer (layer.py) and gzip (compression.py), and the
modules the request layer calls, one concern each."""
