"""The core of cvchat: entities, events and ports. No I/O, no frameworks."""
